package dev.xfer.data;

import dev.xfer.util.AtomicFiles;
import dev.xfer.util.NpyPreamble;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Streams a C-order little-endian .npy array (format 1.0, as numpy/lib/format.py writes it) whose
 * leading dimension is not known in advance: {@code float32} ({@code <f4}) or {@code int64}
 * ({@code <i8}, a true int64 array, not floats). Rows are appended from CPU tensors; {@link #finish()}
 * writes the final shape into a header reserved at the start and moves the file into place;
 * {@link #close()} without {@code finish()} deletes the partial file.
 */
public final class NpyStreamWriter implements AutoCloseable {
  /** Element types this writer supports. */
  public enum Type {
    FLOAT32("<f4", ScalarType.Float, 4),
    INT64("<i8", ScalarType.Long, 8);

    final String descr;
    final ScalarType scalarType;
    final int bytes;

    Type(String descr, ScalarType scalarType, int bytes) {
      this.descr = descr;
      this.scalarType = scalarType;
      this.bytes = bytes;
    }
  }

  private final AtomicFiles.Pending pending;
  private final Type type;
  private final long[] rowShape;
  private final long rowElements;
  private final int headerBytes;
  private final FileChannel channel;
  private long rows;

  /** Opens {@code target} for rows of shape {@code rowShape} (the trailing dimensions). */
  public NpyStreamWriter(Path target, Type type, long... rowShape) throws IOException {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) throw new IOException("npy writer: big-endian hosts are not supported");
    Path absolute = target.toAbsolutePath();
    this.type = type;
    this.rowShape = rowShape.clone();
    long n = 1;
    for (long d : rowShape) n *= d;
    this.rowElements = n;
    this.headerBytes = header(Long.MAX_VALUE).length;
    Path dir = absolute.getParent();
    if (dir != null) Files.createDirectories(dir);
    this.pending = AtomicFiles.open(absolute);
    this.channel = FileChannel.open(pending.temp(), StandardOpenOption.WRITE);
    channel.position(headerBytes);
  }

  /** Appends the rows of a contiguous CPU tensor of shape (k, rowShape...) and this writer's type. */
  public void write(Tensor t) throws IOException {
    if (t.is_cuda() || !t.is_contiguous() || t.scalar_type().intern() != type.scalarType.intern()
        || t.dim() != rowShape.length + 1) {
      throw new IllegalArgumentException("npy writer: expected a contiguous CPU " + type.descr + " tensor with "
          + (rowShape.length + 1) + " dimensions");
    }
    for (int i = 0; i < rowShape.length; i++) {
      if (t.size(i + 1) != rowShape[i]) throw new IllegalArgumentException("npy writer: row shape mismatch at dimension " + (i + 1));
    }
    long bytes = t.numel() * type.bytes;
    try (BytePointer p = new BytePointer(t.data_ptr())) {
      ByteBuffer buf = p.capacity(bytes).asByteBuffer();
      while (buf.hasRemaining()) channel.write(buf);
    }
    rows += t.size(0);
  }

  /** Appends int64 values as rows (for a one-dimensional int64 array). */
  public void write(long[] values) throws IOException {
    if (type != Type.INT64 || rowShape.length != 0) throw new IllegalArgumentException("npy writer: long[] rows need a 1-D int64 array");
    ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) buf.putLong(v);
    buf.flip();
    while (buf.hasRemaining()) channel.write(buf);
    rows += values.length;
  }

  /** Rows written so far. */
  public long rows() {
    return rows;
  }

  /** Writes the header with the final shape and moves the file to its target. */
  public void finish() throws IOException {
    byte[] h = header(rows);
    ByteBuffer buf = ByteBuffer.wrap(h);
    while (buf.hasRemaining()) channel.write(buf, buf.position());
    channel.close();
    pending.commit();
  }

  @Override
  public void close() throws IOException {
    if (channel.isOpen()) channel.close();
    pending.close();
  }

  /** The preamble for {@code leading} rows; its length is fixed by the widest count. */
  private byte[] header(long leading) {
    long[] shape = new long[rowShape.length + 1];
    shape[0] = leading;
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    String dict = NpyPreamble.dict(type.descr, false, shape);
    return headerBytes > 0 ? NpyPreamble.of(dict, headerBytes) : NpyPreamble.of(dict);
  }
}
