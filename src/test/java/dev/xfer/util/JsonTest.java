package dev.xfer.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonTest {
  @Test
  void parsesEveryKindOfValue() {
    Object v = Json.parse(" {\"b\": [1, -2.5, 3e2, true, false, null], \"a\": {\"x\": \"y\"}, \"n\": 9223372036854775807} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of("b", "a", "n"), List.copyOf(m.keySet()), "document order kept");
    assertEquals(Arrays.asList(1L, -2.5, 300.0, true, false, null), m.get("b"));
    assertEquals(Map.of("x", "y"), m.get("a"));
    assertEquals(Long.MAX_VALUE, m.get("n"));
    assertEquals(1e19, Json.parse("10000000000000000000"), "past long: a double");
    assertEquals(List.of(), Json.parse("[]"));
    assertEquals(Map.of(), Json.parse("{}"));
    assertNull(Json.parse("null"));
  }

  @Test
  void decodesEscapes() {
    assertEquals("q\" b\\ s/ \b\f\n\r\t \u00e9 \u20ac\ud83d\ude00",
        Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u20AC\\ud83d\\ude00\""));
    assertEquals("\u00e9", Json.parse("\"\u00e9\""), "raw non-ASCII is allowed");
  }

  @Test
  void roundTripsWhatItWrites() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", "a \"quoted\"\n\u0001 \u00e9");
    doc.put("epochs", 3);
    doc.put("loss", 0.25);
    doc.put("lr", 1.5e-4f);
    doc.put("ok", true);
    doc.put("none", null);
    doc.put("list", List.of(1, 2.5, "x", Map.of("k", List.of())));
    String text = Json.object(doc);
    assertEquals('{', text.charAt(0));
    assertTrue(text.contains("\"ok\": true, "), "one line with a space after ':' and ','");
    Map<?, ?> back = (Map<?, ?>) Json.parse(text);
    assertEquals(List.copyOf(doc.keySet()), List.copyOf(back.keySet()));
    assertEquals(doc.get("name"), back.get("name"));
    assertEquals(3L, back.get("epochs"));
    assertEquals(0.25, back.get("loss"));
    assertEquals(1.5e-4, (Double) back.get("lr"), 1e-12);
    assertEquals(Arrays.asList(1L, 2.5, "x", Map.of("k", List.of())), back.get("list"));
  }

  @Test
  void writesNonFiniteNumbersAsNull() {
    List<Object> values = new ArrayList<>(List.of(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY));
    assertEquals("[null, null, null]", Json.value(values));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("{\"a\":1,}", "was expecting double-quote to start field name at offset 7"),
        Arguments.of("[1,]", "expected a valid value"),
        Arguments.of("01", "Leading zeroes not allowed"),
        Arguments.of("{\"a\":1 \"b\":2}", "was expecting comma to separate Object entries at offset 7"),
        Arguments.of("{\"a\":1,\"a\":2}", "Duplicate field 'a'"),
        Arguments.of("\"abc", "end-of-input"),
        Arguments.of("\"\\x\"", "Unrecognized character escape 'x'"),
        Arguments.of("\"\\u12G4\"", "expected a hex-digit"),
        Arguments.of("[1] x", "unexpected text after the JSON value at offset 4"),
        Arguments.of("tru", "Unrecognized token 'tru'"),
        Arguments.of("-", "end-of-input"),
        Arguments.of("1.", "Decimal point not followed by a digit"),
        Arguments.of("1e", "expected a digit for number exponent"),
        Arguments.of("'a'", "Unexpected character ('''"),
        Arguments.of("{", "end-of-input"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void refusesMalformedText(String text, String expected) {
    Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(text));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void refusesControlCharactersAndEmptyInput() {
    assertTrue(assertThrows(Json.JsonException.class, () -> Json.parse("\"a\nb\""))
        .getMessage().contains("Illegal unquoted character ((CTRL-CHAR, code 10))"));
    assertThrows(Json.JsonException.class, () -> Json.parse(""));
    assertThrows(Json.JsonException.class, () -> Json.parse("   "));
    assertThrows(Json.JsonException.class, () -> Json.parse((String) null));
  }

  @Test
  void refusesDeepNestingWithoutOverflowingTheStack() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(deep));
    assertTrue(e.getMessage().contains("exceeds a limit") && e.getMessage().contains("256"), e.getMessage());
    String ok = "[".repeat(256) + "]".repeat(256);
    assertTrue(Json.parse(ok) instanceof List);
  }

  @Test
  void enforcesStringAndNumberLimits() {
    String longNumber = "1".repeat(Json.MAX_NUMBER_CHARS + 1);
    Json.JsonException n = assertThrows(Json.JsonException.class, () -> Json.parse(longNumber));
    assertTrue(n.getMessage().contains("exceeds a limit"), n.getMessage());
    String longString = "\"" + "a".repeat(Json.MAX_STRING_CHARS + 1) + "\"";
    Json.JsonException s = assertThrows(Json.JsonException.class, () -> Json.parse(longString));
    assertTrue(s.getMessage().contains("exceeds a limit"), s.getMessage());
  }

  @Test
  void namesTheFileOfMalformedInput(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"epochs\": 3,}");
    Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parseObject(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    Files.writeString(file, "[1]");
    e = assertThrows(Json.JsonException.class, () -> Json.parseObject(file));
    assertEquals(file + ": the top-level JSON value is not an object", e.getMessage());
  }
}
