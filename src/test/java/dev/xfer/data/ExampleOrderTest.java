package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tfds example order, checked against digests and orders computed with Python's hashlib. */
class ExampleOrderTest {
  // python3 -c 'import hashlib; print(hashlib.md5(b"train" + k.encode()).hexdigest())'
  private static final String[][] DIGESTS = {
    {"daisy/100080576_f52e8ee070_n.jpg", "3186c97dd6ea63bf0f65972773986ba7"},
    {"roses/1.jpg", "820be2adb8342243b79cfde81d9e1a3b"},
    {"tulips/a.jpg", "36407c2f15f24d029c2071999908598b"},
    {"dandelion/x y.jpg", "485568ff94f0ae1cb0e2df352d9ad03b"},
    {"sunflowers/\u00fcn\u00efcode.jpg", "ba8ba280403eb34344a6346f96b778ea"},
    {"daisy/b.png", "588ebbd0ddbe468573339354ef2c90a3"},
  };

  private static List<Sample> samples() {
    List<Sample> out = new ArrayList<>();
    for (String[] d : DIGESTS) out.add(new Sample(Path.of(d[0]), 0, d[0]));
    return out;
  }

  private static List<String> keys(List<Sample> samples) {
    return samples.stream().map(Sample::key).toList();
  }

  @Test
  void digestsMatchPythonHashlib() {
    for (String[] d : DIGESTS) assertEquals(d[1], HexFormat.of().formatHex(ExampleOrder.tfds().hash(d[0])), d[0]);
  }

  @Test
  void tfdsOrderIsAscendingIntegerDigest() {
    // python3: sorted(keys, key=lambda k: int(hashlib.md5(b"train" + k.encode()).hexdigest(), 16))
    List<String> python = List.of("daisy/100080576_f52e8ee070_n.jpg", "tulips/a.jpg", "dandelion/x y.jpg", "daisy/b.png",
        "roses/1.jpg", "sunflowers/\u00fcn\u00efcode.jpg");
    assertEquals(python, keys(ExampleOrder.tfds().sort(samples())));
    // and the same from the hard-coded digests as unsigned integers
    List<String[]> byInt = new ArrayList<>(List.of(DIGESTS));
    byInt.sort((a, b) -> new BigInteger(a[1], 16).compareTo(new BigInteger(b[1], 16)));
    assertEquals(python, byInt.stream().map(a -> a[0]).toList());
  }

  @Test
  void seededOrderIsDocumentedAndSeedDependent() {
    // python3: sorted(keys, key=lambda k: int(hashlib.md5(f"seed:7:{k}".encode()).hexdigest(), 16))
    List<String> python = List.of("tulips/a.jpg", "daisy/b.png", "roses/1.jpg", "dandelion/x y.jpg",
        "daisy/100080576_f52e8ee070_n.jpg", "sunflowers/\u00fcn\u00efcode.jpg");
    assertEquals(python, keys(ExampleOrder.seeded(7).sort(samples())));
    assertEquals(keys(ExampleOrder.seeded(7).sort(samples())), keys(ExampleOrder.seeded(7).sort(samples())));
    assertNotEquals(keys(ExampleOrder.seeded(7).sort(samples())), keys(ExampleOrder.seeded(8).sort(samples())));
  }
}
