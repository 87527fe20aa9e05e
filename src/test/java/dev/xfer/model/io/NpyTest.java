package dev.xfer.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NpyTest {
  @TempDir Path dir;

  /** np.save(f, np.arange(1, 7, dtype='<f4').reshape(2, 3)) with NumPy 2.x: 152 bytes, header length 118. */
  private static byte[] numpyArange23() {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    return new ByteBuilder().u8(0x93).ascii("NUMPY").u8(1, 0).u16(118)
        .ascii(dict + " ".repeat(118 - 1 - dict.length()) + "\n").f32(1, 2, 3, 4, 5, 6).build();
  }

  @Test
  void writesExactlyWhatNumpyWrites() throws IOException {
    Path file = dir.resolve("a.npy");
    Npy.writeFloat32(file, new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
    byte[] bytes = Files.readAllBytes(file);
    assertArrayEquals(numpyArange23(), bytes);
    assertEquals(128, bytes.length - 24, "data starts at a multiple of 64");
  }

  @Test
  void readsAHandBuiltFile() throws IOException {
    Path file = dir.resolve("a.npy");
    Files.write(file, numpyArange23());
    NpyArray a = Npy.read(file);
    assertEquals("<f4", a.descr());
    assertArrayEquals(new long[] {2, 3}, a.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.floats());
    assertNull(a.bytes());
  }

  @Test
  void roundTripsFloatsAndBytes() throws IOException {
    Random rng = new Random(1);
    float[] f = new float[2 * 5 * 7 * 3];
    for (int i = 0; i < f.length; i++) f[i] = (float) rng.nextGaussian();
    Path floats = dir.resolve("f.npy");
    Npy.writeFloat32(floats, new long[] {2, 5, 7, 3}, f);
    NpyArray a = Npy.read(floats);
    assertArrayEquals(new long[] {2, 5, 7, 3}, a.shape());
    assertArrayEquals(f, a.floats());
    assertEquals(0, (Files.size(floats) - 4L * f.length) % 64);

    byte[] b = new byte[4 * 3 * 2 * 3];
    rng.nextBytes(b);
    Path bytes = dir.resolve("u.npy");
    Npy.writeUint8(bytes, new long[] {4, 3, 2, 3}, b);
    NpyArray u = Npy.read(bytes);
    assertEquals("|u1", u.descr());
    assertArrayEquals(b, u.bytes());
    assertNull(u.floats());

    Npy.writeFloat32(floats, new long[] {}, new float[] {2.5f});
    assertEquals(132, Files.size(floats), "scalar: same size as np.save(f, np.float32(2.5))");
    assertArrayEquals(new float[] {2.5f}, Npy.read(floats).floats());
  }

  @Test
  void writeRefusesAShapeThatDoesNotMatch() {
    assertThrows(IllegalArgumentException.class, () -> Npy.writeFloat32(dir.resolve("x.npy"), new long[] {2, 2}, new float[3]));
  }

  @Test
  void readsVersions2And3AndOtherTypes() throws IOException {
    Path file = dir.resolve("v.npy");
    String dict2 = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}\n";
    Files.write(file, new ByteBuilder().u8(0x93).ascii("NUMPY").u8(2, 0).u32(dict2.length()).ascii(dict2)
        .f64(0.5, -1.25, 1e10).build());
    NpyArray a = Npy.read(file);
    assertArrayEquals(new float[] {0.5f, -1.25f, 1e10f}, a.floats());

    String dict3 = "{\"descr\": \"<i8\", \"fortran_order\": False, \"shape\": (2, 1), }   \n";
    Files.write(file, new ByteBuilder().u8(0x93).ascii("NUMPY").u8(3, 0).u32(dict3.length()).utf8(dict3)
        .u64(-4, 1L << 30).build());
    NpyArray b = Npy.read(file);
    assertEquals("<i8", b.descr());
    assertArrayEquals(new long[] {2, 1}, b.shape());
    assertArrayEquals(new float[] {-4f, 1073741824f}, b.floats());
  }

  private static byte[] v1(String dict, byte[] data) {
    return new ByteBuilder().u8(0x93).ascii("NUMPY").u8(1, 0).u16(dict.length() + 1).ascii(dict + "\n").bytes(data).build();
  }

  static Stream<Arguments> malformed() {
    byte[] twelve = new byte[12];
    return Stream.of(
        Arguments.of(new byte[0], "the file is empty"),
        Arguments.of(new byte[] {(byte) 0x93, 'N', 'U'}, "the file is 3 bytes, too short for a .npy header"),
        Arguments.of(new ByteBuilder().ascii("PK\3\4 not numpy at all").build(), "not a .npy file (no \\x93NUMPY magic)"),
        Arguments.of(new ByteBuilder().u8(0x93).ascii("NUMPY").u8(4, 0).u16(0).build(), "unsupported .npy format version 4.0"),
        Arguments.of(new ByteBuilder().u8(0x93).ascii("NUMPY").u8(1, 0).u16(500).ascii("{}").build(),
            "header length 500 is past the end of the file (12 bytes)"),
        Arguments.of(new ByteBuilder().u8(0x93).ascii("NUMPY").u8(2, 0).u32(0xfffffff0L).ascii("{}").build(),
            "header length 4294967280 is past the end of the file (14 bytes)"),
        Arguments.of(v1("{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", twelve),
            "Fortran-order arrays are not supported"),
        Arguments.of(v1("{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }", twelve),
            "big-endian data ('>f4') is not supported"),
        Arguments.of(v1("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", twelve),
            "unsupported dtype '<c8' (supported: <f4, <f8, <f2, <i8, <i4, |u1)"),
        Arguments.of(v1("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (3,), }", twelve),
            "bad header: unsupported value at offset 10"),
        Arguments.of(v1("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }", twelve),
            "bad header: negative dimension at offset 51"),
        Arguments.of(v1("{'descr': '<f4', 'fortran_order': False}", twelve), "bad header: no tuple 'shape'"),
        Arguments.of(v1("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': True}", twelve),
            "bad header: unexpected key 'x'"),
        Arguments.of(v1("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)", twelve), "bad header: expected ',' or '}'"),
        Arguments.of(v1("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", twelve),
            "shape (4,) of <f4 needs 16 bytes of data, the file has 12"),
        Arguments.of(v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", twelve),
            "shape (2,) of <f4 needs 8 bytes of data, the file has 12"),
        Arguments.of(v1("{'descr': '|u1', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", twelve),
            "needs more than 2^63 bytes of data"),
        Arguments.of(v1("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", twelve),
            "bad header: dimension 99999999999999999999 is too large"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void refusesMalformedFiles(byte[] content, String expected) throws IOException {
    Path file = dir.resolve("bad.npy");
    Files.write(file, content);
    InputFileException e = assertThrows(InputFileException.class, () -> Npy.read(file));
    assertTrue(e.getMessage().startsWith("bad.npy: ") && e.getMessage().contains(expected), e.getMessage());
  }
}
