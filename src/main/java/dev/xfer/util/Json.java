package dev.xfer.util;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Minimal JSON writing for reports and command output: maps, lists, strings, numbers, booleans, null. */
public final class Json {
  private Json() {}

  public static String object(Map<String, ?> fields) {
    StringBuilder sb = new StringBuilder("{");
    Iterator<? extends Map.Entry<String, ?>> it = fields.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, ?> e = it.next();
      sb.append(string(e.getKey())).append(": ").append(value(e.getValue()));
      if (it.hasNext()) sb.append(", ");
    }
    return sb.append("}").toString();
  }

  @SuppressWarnings("unchecked")
  public static String value(Object v) {
    if (v == null) return "null";
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? n.toString() : "null";
    }
    if (v instanceof Boolean) return v.toString();
    if (v instanceof Map<?, ?> m) return object((Map<String, ?>) m);
    if (v instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) sb.append(", ");
        sb.append(value(list.get(i)));
      }
      return sb.append("]").toString();
    }
    return string(v.toString());
  }

  public static String string(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
          else sb.append(ch);
        }
      }
    }
    return sb.append('"').toString();
  }
}
