package dev.xfer.model.io;

import dev.xfer.util.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/** The writing half of {@link SafeTensors}. */
final class SafeTensorsWriter {
  private SafeTensorsWriter() {}

  static void write(Path path, Map<String, TensorData> tensors, Map<String, String> metadata) throws IOException {
    byte[] header = header(tensors, metadata).getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(path, temp -> {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
        ChannelIo.writeFully(ch, length);
        ChannelIo.writeFully(ch, ByteBuffer.wrap(header));
        for (TensorData t : tensors.values()) ChannelIo.writeFloats(ch, t.values());
      }
    });
  }

  /** The JSON header, padded with spaces to a multiple of 8 bytes (in UTF-8). */
  static String header(Map<String, TensorData> tensors, Map<String, String> metadata) {
    StringBuilder sb = new StringBuilder("{\"__metadata__\":{");
    boolean first = true;
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) throw new IllegalArgumentException("metadata: null key or value");
      if (!first) sb.append(',');
      first = false;
      quote(sb, e.getKey()).append(':');
      quote(sb, e.getValue());
    }
    sb.append('}');
    long offset = 0;
    for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
      String name = e.getKey();
      if (name == null || name.isEmpty() || name.equals("__metadata__")) {
        throw new IllegalArgumentException("invalid tensor name: " + (name == null ? "null" : "\"" + name + "\""));
      }
      TensorData t = e.getValue();
      long end = offset + 4L * t.values().length;
      sb.append(',');
      quote(sb, name).append(":{\"dtype\":\"F32\",\"shape\":[");
      long[] shape = t.shape();
      for (int i = 0; i < shape.length; i++) {
        if (i > 0) sb.append(',');
        sb.append(shape[i]);
      }
      sb.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
      offset = end;
    }
    sb.append('}');
    int bytes = sb.toString().getBytes(StandardCharsets.UTF_8).length;
    sb.append(" ".repeat((8 - bytes % 8) % 8));
    return sb.toString();
  }

  private static StringBuilder quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.append('"');
  }
}
