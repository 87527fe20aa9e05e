package dev.xfer.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonReaderTest {
  @Test
  void parsesEveryKindOfValue() {
    Object v = JsonReader.parse(" {\"b\": [1, -2.5, 3e2, true, false, null], \"a\": {\"x\": \"y\"}, \"n\": 9223372036854775807} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of("b", "a", "n"), List.copyOf(m.keySet()), "document order kept");
    assertEquals(Arrays.asList(1L, -2.5, 300.0, true, false, null), m.get("b"));
    assertEquals(Map.of("x", "y"), m.get("a"));
    assertEquals(Long.MAX_VALUE, m.get("n"));
    assertEquals(1e19, JsonReader.parse("10000000000000000000"), "past long: a double");
    assertEquals(List.of(), JsonReader.parse("[]"));
    assertEquals(Map.of(), JsonReader.parse("{}"));
    assertNull(JsonReader.parse("null"));
  }

  @Test
  void decodesEscapes() {
    assertEquals("q\" b\\ s/ \b\f\n\r\t \u00e9 \u20ac\ud83d\ude00",
        JsonReader.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u20AC\\ud83d\\ude00\""));
    assertEquals("\u00e9", JsonReader.parse("\"\u00e9\""), "raw non-ASCII is allowed");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("{\"a\":1,}", "expected a string key at offset 7"),
        Arguments.of("[1,]", "unexpected character ']', expected a value at offset 3"),
        Arguments.of("01", "leading zero"),
        Arguments.of("{\"a\":1 \"b\":2}", "expected ',' or '}' at offset 7"),
        Arguments.of("{\"a\":1,\"a\":2}", "duplicate key \"a\" at offset 7"),
        Arguments.of("\"abc", "unterminated string"),
        Arguments.of("\"\\x\"", "invalid escape \\x"),
        Arguments.of("\"\\u12G4\"", "invalid hex digit 'G'"),
        Arguments.of("[1] x", "unexpected text after the JSON value at offset 4"),
        Arguments.of("tru", "expected true"),
        Arguments.of("-", "expected a digit"),
        Arguments.of("1.", "expected a digit after '.'"),
        Arguments.of("1e", "expected a digit in the exponent"),
        Arguments.of("'a'", "unexpected character '''"),
        Arguments.of("{", "expected a string key at the end (offset 1)"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void refusesMalformedText(String text, String expected) {
    JsonReader.JsonException e = assertThrows(JsonReader.JsonException.class, () -> JsonReader.parse(text));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void refusesControlCharactersAndEmptyInput() {
    assertTrue(assertThrows(JsonReader.JsonException.class, () -> JsonReader.parse("\"a\nb\""))
        .getMessage().contains("unescaped control character U+000A"));
    assertThrows(JsonReader.JsonException.class, () -> JsonReader.parse(""));
    assertThrows(JsonReader.JsonException.class, () -> JsonReader.parse("   "));
    assertThrows(JsonReader.JsonException.class, () -> JsonReader.parse(null));
  }

  @Test
  void refusesDeepNestingWithoutOverflowingTheStack() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    JsonReader.JsonException e = assertThrows(JsonReader.JsonException.class, () -> JsonReader.parse(deep));
    assertTrue(e.getMessage().contains("nesting deeper than 256"), e.getMessage());
    String ok = "[".repeat(256) + "]".repeat(256);
    assertTrue(JsonReader.parse(ok) instanceof List);
  }
}
