package dev.xfer.model.io;

import dev.xfer.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The reading half of {@link SafeTensors}: validates the whole header before reading any data. */
final class SafeTensorsReader {
  /** One validated header entry; offsets are relative to the data section. */
  private record Entry(String name, DType dtype, long[] shape, int numel, long begin) {}

  private final Path path;
  private long dataSize;

  private SafeTensorsReader(Path path) {
    this.path = path;
  }

  static SafeTensorsFile read(Path path) throws IOException {
    return new SafeTensorsReader(path).read();
  }

  private SafeTensorsFile read() throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) throw fail("the file is empty");
      if (size < 8) throw fail("the file is " + size + " bytes, shorter than the 8-byte header length");
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ChannelIo.readFully(ch, lengthBytes, 0);
      long n = lengthBytes.flip().getLong();
      String shown = Long.toUnsignedString(n);
      if (n == 0) throw fail("header length 0 is invalid (the smallest header, {}, is 2 bytes)");
      if (n < 0 || n > size - 8) {
        throw fail("header length " + shown + " is past the end of the file (" + size + " bytes)");
      }
      if (n > SafeTensors.MAX_HEADER_BYTES) {
        throw fail("header length " + shown + " exceeds the limit of " + SafeTensors.MAX_HEADER_BYTES + " bytes");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
      ChannelIo.readFully(ch, headerBytes, 8);
      long dataStart = 8 + n;
      dataSize = size - dataStart;
      Map<String, Object> header = parseHeader(headerBytes.flip());
      Map<String, String> metadata = new LinkedHashMap<>();
      List<Entry> entries = new ArrayList<>();
      for (Map.Entry<String, Object> e : header.entrySet()) {
        if (e.getKey().equals("__metadata__")) metadata = metadata(e.getValue());
        else entries.add(entry(e.getKey(), e.getValue()));
      }
      long total = 0;
      for (int i = 0; i < entries.size() && total <= dataSize; i++) {
        total += (long) entries.get(i).numel() * entries.get(i).dtype().byteSize();
      }
      if (total > dataSize) {
        // Only overlapping tensors can add up to more than the data; refusing them bounds memory use.
        throw fail("the tensors' sizes add up to more than the data section's " + dataSize
            + " bytes (overlapping data_offsets)");
      }
      Map<String, TensorData> tensors = new LinkedHashMap<>();
      for (Entry e : entries) {
        float[] values = ChannelIo.readFloats(ch, dataStart + e.begin(), e.dtype(), e.numel());
        tensors.put(e.name(), new TensorData(e.shape(), values, e.dtype()));
      }
      return new SafeTensorsFile(tensors, metadata);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> parseHeader(ByteBuffer bytes) throws WeightFileException {
    String json;
    try {
      json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw fail("the header is not valid UTF-8");
    }
    Object root;
    try {
      root = Json.parse(json);
    } catch (Json.JsonException e) {
      throw fail("the header is not valid JSON: " + e.getMessage());
    }
    if (!(root instanceof Map)) throw fail("the header is not a JSON object (found " + kind(root) + ")");
    return (Map<String, Object>) root;
  }

  private Map<String, String> metadata(Object value) throws WeightFileException {
    if (!(value instanceof Map<?, ?> map)) throw fail("__metadata__ is not a JSON object (found " + kind(value) + ")");
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw fail("__metadata__ value of '" + e.getKey() + "' is not a string (found " + kind(e.getValue()) + ")");
      }
      out.put((String) e.getKey(), s);
    }
    return out;
  }

  private Entry entry(String name, Object value) throws WeightFileException {
    String at = "tensor '" + name + "': ";
    if (!(value instanceof Map<?, ?> map)) throw fail(at + "entry is not a JSON object (found " + kind(value) + ")");
    Object dtypeValue = require(map, "dtype", at);
    if (!(dtypeValue instanceof String dtypeName)) throw fail(at + "dtype is not a string (found " + kind(dtypeValue) + ")");
    DType dtype = DType.fromSafetensors(dtypeName);
    if (dtype == null) {
      throw fail(at + "unsupported dtype \"" + dtypeName + "\" (supported: " + Arrays.toString(DType.values()) + ")");
    }
    long[] shape = longs(require(map, "shape", at), -1, at + "shape");
    long[] offsets = longs(require(map, "data_offsets", at), 2, at + "data_offsets");
    String offsetText = "data_offsets [" + offsets[0] + ", " + offsets[1] + "]";
    if (offsets[0] > offsets[1]) throw fail(at + offsetText + " are reversed");
    if (offsets[1] > dataSize) {
      throw fail(at + offsetText + " are past the end of the data section (" + dataSize + " bytes)");
    }
    long numel = TensorData.saturatingNumel(shape);
    long bytes = offsets[1] - offsets[0];
    int size = dtype.byteSize();
    if (numel > bytes / size || numel * size != bytes) {
      String needed = numel <= Long.MAX_VALUE / size ? Long.toString(numel * size) : "more than 2^63";
      throw fail(at + offsetText + " hold " + bytes + " bytes but shape " + TensorData.shapeString(shape) + " of "
          + dtype + " needs " + needed);
    }
    if (numel > ChannelIo.MAX_ELEMENTS) {
      throw fail(at + "shape " + TensorData.shapeString(shape) + " has " + numel
          + " elements, more than the " + ChannelIo.MAX_ELEMENTS + " a Java array can hold");
    }
    return new Entry(name, dtype, shape, (int) numel, offsets[0]);
  }


  private Object require(Map<?, ?> map, String key, String at) throws WeightFileException {
    if (!map.containsKey(key)) throw fail(at + "no \"" + key + "\"");
    return map.get(key);
  }

  /** A JSON array of non-negative integers, of length {@code length} unless it is negative. */
  private long[] longs(Object value, int length, String what) throws WeightFileException {
    if (!(value instanceof List<?> list)) throw fail(what + " is not a JSON array (found " + kind(value) + ")");
    if (length >= 0 && list.size() != length) {
      throw fail(what + " has " + list.size() + " elements, expected " + length);
    }
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      Object v = list.get(i);
      if (!(v instanceof Long l) || l < 0) {
        throw fail(what + " element " + v + " is not a non-negative integer");
      }
      out[i] = l;
    }
    return out;
  }

  private static String kind(Object v) {
    if (v == null) return "null";
    if (v instanceof Map) return "an object";
    if (v instanceof List) return "an array";
    if (v instanceof String) return "a string";
    if (v instanceof Boolean) return "a boolean";
    return "a number";
  }

  private WeightFileException fail(String detail) {
    return new WeightFileException(path, detail);
  }
}
