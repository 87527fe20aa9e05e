package dev.xfer.model.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON parser (RFC 8259) for safetensors headers and metadata values.
 *
 * <p>Objects become {@link LinkedHashMap}s in document order, arrays {@link ArrayList}s, strings
 * {@link String}, {@code true}/{@code false} {@link Boolean}, {@code null} Java null. Numbers without
 * fraction or exponent that fit a {@code long} become {@link Long}, all others {@link Double}.
 *
 * <p>Rejected, with the character offset in the message: trailing commas, leading zeros, unescaped
 * control characters, bad escapes, duplicate object keys, text after the value, and nesting deeper
 * than {@value #MAX_DEPTH} (so hostile input cannot overflow the stack).
 */
public final class JsonReader {
  /** Deepest nesting of arrays and objects accepted. */
  public static final int MAX_DEPTH = 256;

  /** Malformed JSON; the message says what was expected and at which character offset. */
  public static final class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    JsonException(String message) {
      super(message);
    }
  }

  private final String text;
  private int pos;
  private int depth;

  private JsonReader(String text) {
    this.text = text;
  }

  /** Parses one JSON value that makes up the whole of {@code text} (surrounding whitespace allowed). */
  public static Object parse(String text) {
    if (text == null) throw new JsonException("no JSON text (null)");
    JsonReader r = new JsonReader(text);
    r.skipWhitespace();
    Object value = r.value();
    r.skipWhitespace();
    if (r.pos < text.length()) throw r.error("unexpected text after the JSON value");
    return value;
  }

  private Object value() {
    if (pos >= text.length()) throw error("unexpected end of input, expected a value");
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) yield number();
        throw error("unexpected character " + describe(c) + ", expected a value");
      }
    };
  }

  private Map<String, Object> object() {
    enter();
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      depth--;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') throw error("expected a string key");
      int keyAt = pos;
      String key = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object v = value();
      if (map.containsKey(key)) {
        pos = keyAt;
        throw error("duplicate key \"" + key + "\"");
      }
      map.put(key, v);
      skipWhitespace();
      char c = peek();
      pos++;
      if (c == '}') break;
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
    depth--;
    return map;
  }

  private List<Object> array() {
    enter();
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      depth--;
      return list;
    }
    while (true) {
      skipWhitespace();
      list.add(value());
      skipWhitespace();
      char c = peek();
      pos++;
      if (c == ']') break;
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
    depth--;
    return list;
  }

  private String string() {
    pos++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= text.length()) throw error("unterminated string");
      char c = text.charAt(pos++);
      if (c == '"') return sb.toString();
      if (c < 0x20) {
        pos--;
        throw error("unescaped control character " + describe(c) + " in a string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= text.length()) throw error("unterminated escape");
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> sb.append(hex4());
        default -> {
          pos--;
          throw error("invalid escape \\" + e);
        }
      }
    }
  }

  private char hex4() {
    if (pos + 4 > text.length()) throw error("truncated \\u escape");
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(text.charAt(pos), 16);
      if (d < 0) throw error("invalid hex digit " + describe(text.charAt(pos)) + " in a \\u escape");
      v = v * 16 + d;
      pos++;
    }
    return (char) v;
  }

  private Object number() {
    int start = pos;
    if (peek() == '-') pos++;
    if (peek() == '0') {
      pos++;
      if (isDigit(peek())) throw error("leading zero in a number");
    } else if (isDigit(peek())) {
      while (isDigit(peek())) pos++;
    } else {
      throw error("expected a digit");
    }
    boolean integral = true;
    if (peek() == '.') {
      integral = false;
      pos++;
      if (!isDigit(peek())) throw error("expected a digit after '.'");
      while (isDigit(peek())) pos++;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      pos++;
      if (peek() == '+' || peek() == '-') pos++;
      if (!isDigit(peek())) throw error("expected a digit in the exponent");
      while (isDigit(peek())) pos++;
    }
    String literal = text.substring(start, pos);
    if (integral) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException tooLarge) {
        // falls through to double
      }
    }
    return Double.parseDouble(literal);
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) throw error("invalid literal, expected " + word);
    pos += word.length();
    return value;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
  }

  private void expect(char c) {
    if (peek() != c) throw error("expected '" + c + "'");
    pos++;
  }

  /** The current character, or 0 at the end of input (never valid where it is tested). */
  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  private JsonException error(String what) {
    String where = pos >= text.length() ? "at the end (offset " + pos + ")" : "at offset " + pos;
    return new JsonException(what + " " + where);
  }
}
