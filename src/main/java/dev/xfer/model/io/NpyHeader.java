package dev.xfer.model.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Python-literal dictionary in a .npy header, e.g.
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. Parses only what NumPy writes:
 * quoted strings, True/False, non-negative integers and tuples of them.
 *
 * @param descr the NumPy type string
 * @param fortranOrder whether the data is in column-major order
 * @param shape the dimensions
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {

  /** Thrown for text that is not such a dictionary; the message says what and where. */
  static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message);
    }
  }

  /** The dictionary as NumPy writes it, without padding or newline. */
  String format() {
    return dev.xfer.util.NpyPreamble.dict(descr, fortranOrder, shape);
  }


  /** Parses and checks for exactly the keys descr, fortran_order and shape. */
  static NpyHeader parse(String text) throws SyntaxException {
    Map<String, Object> dict = new Parser(text).dictionary();
    for (String key : dict.keySet()) {
      if (!key.equals("descr") && !key.equals("fortran_order") && !key.equals("shape")) {
        throw new SyntaxException("unexpected key '" + key + "'");
      }
    }
    if (!(dict.get("descr") instanceof String descr)) {
      throw new SyntaxException(dict.containsKey("descr") ? "'descr' is not a string (structured dtypes are not supported)" : "no 'descr'");
    }
    if (!(dict.get("fortran_order") instanceof Boolean fortran)) throw new SyntaxException("no boolean 'fortran_order'");
    if (!(dict.get("shape") instanceof long[] shape)) throw new SyntaxException("no tuple 'shape'");
    return new NpyHeader(descr, fortran, shape);
  }

  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    Map<String, Object> dictionary() throws SyntaxException {
      Map<String, Object> out = new LinkedHashMap<>();
      expect('{');
      while (true) {
        skipSpaces();
        if (peek() == '}') break;
        String key = string();
        expect(':');
        if (out.put(key, value()) != null) throw error("duplicate key '" + key + "'");
        skipSpaces();
        if (peek() == ',') pos++;
        else if (peek() != '}') throw error("expected ',' or '}'");
      }
      pos++;
      skipSpaces();
      if (pos != text.length()) throw error("unexpected text after the dictionary");
      return out;
    }

    private Object value() throws SyntaxException {
      skipSpaces();
      char c = peek();
      if (c == '\'' || c == '"') return string();
      if (c == '(') return tuple();
      if (text.startsWith("True", pos)) {
        pos += 4;
        return Boolean.TRUE;
      }
      if (text.startsWith("False", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      throw error("unsupported value");
    }

    private long[] tuple() throws SyntaxException {
      pos++; // '('
      List<Long> dims = new ArrayList<>();
      while (true) {
        skipSpaces();
        if (peek() == ')') break;
        dims.add(integer());
        skipSpaces();
        if (peek() == ',') pos++;
        else if (peek() != ')') throw error("expected ',' or ')'");
      }
      pos++;
      return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private long integer() throws SyntaxException {
      int start = pos;
      while (pos < text.length() && Character.isDigit(text.charAt(pos)) && text.charAt(pos) < 128) pos++;
      if (start == pos) throw error(peek() == '-' ? "negative dimension" : "expected a non-negative integer");
      try {
        return Long.parseLong(text.substring(start, pos));
      } catch (NumberFormatException e) {
        throw error("dimension " + text.substring(start, pos) + " is too large");
      }
    }

    private String string() throws SyntaxException {
      skipSpaces();
      char quote = peek();
      if (quote != '\'' && quote != '"') throw error("expected a quoted string");
      int end = text.indexOf(quote, pos + 1);
      if (end < 0) throw error("unterminated string");
      String s = text.substring(pos + 1, end);
      if (s.indexOf('\\') >= 0) throw error("escapes in strings are not supported");
      pos = end + 1;
      return s;
    }

    private void expect(char c) throws SyntaxException {
      skipSpaces();
      if (peek() != c) throw error("expected '" + c + "'");
      pos++;
    }

    private char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpaces() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
    }

    private SyntaxException error(String what) {
      return new SyntaxException(what + " at offset " + pos);
    }
  }
}
