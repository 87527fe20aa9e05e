package dev.xfer.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for reports, run records and file headers, on Jackson's streaming API.
 *
 * <p>Reading is strict (RFC 8259) and bounded, since headers come from untrusted files: trailing commas,
 * leading zeros, unescaped control characters, bad escapes, duplicate object keys and text after the value
 * are refused, as is nesting deeper than {@value #MAX_DEPTH}, strings longer than {@value #MAX_STRING_CHARS}
 * characters, numbers longer than {@value #MAX_NUMBER_CHARS} characters and documents longer than
 * {@value #MAX_DOCUMENT_CHARS} characters. Objects become {@link LinkedHashMap}s in document order, arrays
 * {@link ArrayList}s, strings {@link String}, {@code true}/{@code false} {@link Boolean}, {@code null} Java null.
 * Integers that fit a {@code long} become {@link Long}, all other numbers {@link Double}.
 *
 * <p>Writing takes maps, lists, strings, numbers, booleans and null (anything else is written as its
 * {@code toString()}); non-finite numbers become {@code null}. Output is one line, {@code {"a": 1, "b": [2, 3]}}.
 */
public final class Json {
  /** Deepest nesting of arrays and objects accepted. */
  public static final int MAX_DEPTH = 256;
  /** Longest string value or key accepted, in characters. */
  public static final int MAX_STRING_CHARS = 16 << 20;
  /** Longest number literal accepted, in characters. */
  public static final int MAX_NUMBER_CHARS = 64;
  /** Longest document accepted, in characters. */
  public static final long MAX_DOCUMENT_CHARS = 128L << 20;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxStringLength(MAX_STRING_CHARS)
          .maxNumberLength(MAX_NUMBER_CHARS)
          .maxDocumentLength(MAX_DOCUMENT_CHARS)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** Malformed or over-limit JSON; the message says what was wrong and at which character offset. */
  public static final class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    JsonException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Json() {}

  /** Parses one JSON value that makes up the whole of {@code text} (surrounding whitespace allowed). */
  public static Object parse(String text) {
    if (text == null) throw new JsonException("no JSON text (null)", null);
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) throw new JsonException("unexpected end of input, expected a value at the end (offset "
          + text.length() + ")", null);
      Object value = read(p, first);
      long end = p.currentLocation().getCharOffset();
      JsonToken after;
      try {
        after = p.nextToken();
      } catch (JsonProcessingException e) {
        after = JsonToken.NOT_AVAILABLE;
      }
      if (after != null) {
        while (end < text.length() && Character.isWhitespace(text.charAt((int) end))) end++;
        throw new JsonException("unexpected text after the JSON value at offset " + end, null);
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new JsonException(describe(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads and parses {@code file}; a malformed file's error message starts with the file's path. */
  public static Object parse(Path file) throws IOException {
    String text = Files.readString(file);
    try {
      return parse(text);
    } catch (JsonException e) {
      throw new JsonException(file + ": " + e.getMessage(), e);
    }
  }

  /** Like {@link #parse(Path)}, for a file whose top-level value must be an object. */
  public static Map<String, Object> parseObject(Path file) throws IOException {
    if (parse(file) instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) m;
      return object;
    }
    throw new JsonException(file + ": the top-level JSON value is not an object", null);
  }

  private static Object read(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
          map.put(key, read(p, p.nextToken()));
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) list.add(read(p, e));
        return list;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) return p.getDoubleValue(); // past long
        return p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new JsonException("unexpected token " + t + " at offset "
          + p.currentTokenLocation().getCharOffset(), null);
    }
  }

  private static String describe(JsonProcessingException e) {
    String what = e.getOriginalMessage();
    if (e instanceof StreamConstraintsException) what = "the document exceeds a limit: " + what;
    JsonLocation at = e.getLocation();
    if (at == null || at.getCharOffset() < 0) return what;
    return what + " at offset " + at.getCharOffset();
  }

  /** One line of JSON for {@code fields}, in their iteration order. */
  public static String object(Map<String, ?> fields) {
    return value(fields);
  }

  /** One line of JSON for any value {@link Json} writes. */
  public static String value(Object v) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setPrettyPrinter(new OneLine());
      write(g, v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** {@code s} as a quoted JSON string. */
  public static String string(String s) {
    return value(s);
  }

  private static void write(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) g.writeNull();
      else if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) g.writeNumber(n.longValue());
      else if (n instanceof Float f) g.writeNumber(f);
      else if (n instanceof Double) g.writeNumber(d);
      else g.writeNumber(n.toString());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List<?> list) {
      g.writeStartArray();
      for (Object e : list) write(g, e);
      g.writeEndArray();
    } else {
      g.writeString(v.toString());
    }
  }

  /** One line with a space after every ':' and ',' (the layout the run records have always had). */
  private static final class OneLine extends MinimalPrettyPrinter {
    private static final long serialVersionUID = 1L;

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }
  }
}
