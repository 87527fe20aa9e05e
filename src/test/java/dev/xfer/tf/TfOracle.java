package dev.xfer.tf;

import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.op.image.EncodeJpeg;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * TensorFlow 2.18 (TF Java) run eagerly as a test oracle: the ops Keras and tfds use, on inputs the
 * tests make. Test scope only; xfer itself never depends on TensorFlow.
 */
public final class TfOracle implements AutoCloseable {
  private final EagerSession session = EagerSession.create();
  /** The op factory of this oracle's eager session. */
  public final Ops tf = Ops.create(session);

  /** A float32 constant of the given shape, row-major data. */
  public Operand<TFloat32> constant(float[] data, long... shape) {
    try (TFloat32 t = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false))) {
      return tf.constantOf(t);
    }
  }

  /** The values of a float32 result, row-major. */
  public static float[] read(Operand<TFloat32> op) {
    TFloat32 t = op.asTensor();
    float[] out = new float[Math.toIntExact(t.size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** The shape of a result. */
  public static long[] shape(Operand<?> op) {
    return op.shape().asArray();
  }

  /** An encoded file's bytes as a TF string scalar. */
  public Operand<TString> bytes(byte[] file) {
    try (TString t = TString.tensorOfBytes(NdArrays.scalarOfObject(file))) {
      return tf.constantOf(t);
    }
  }

  /**
   * {@code tf.io.decode_image(file, channels=3, expand_animations=False)}: the tfds / Keras decode,
   * JPEGs with TF's default IDCT (INTEGER_FAST). GIFs give their first frame.
   */
  public Operand<TUint8> decodeImage(byte[] file) {
    return tf.image.decodeImage(bytes(file), TUint8.class, DecodeImage.channels(3L), DecodeImage.expandAnimations(false));
  }

  /** {@code tf.io.decode_jpeg(file, channels=3, dct_method=dctMethod)}. */
  public Operand<TUint8> decodeJpeg(byte[] file, String dctMethod) {
    return tf.image.decodeJpeg(bytes(file), DecodeJpeg.channels(3L), DecodeJpeg.dctMethod(dctMethod));
  }

  /**
   * {@code tf.image.resize(image, (size, size))} (bilinear, half-pixel centres, no antialias) and
   * Keras' Xception {@code preprocess_input}: {@code x / 127.5 - 1}; (1, S, S, 3) float32.
   */
  public Operand<TFloat32> resizeAndScale(Operand<TUint8> image, int size) {
    Operand<TFloat32> batch = tf.expandDims(tf.dtypes.cast(image, TFloat32.class), tf.constant(0));
    Operand<TFloat32> resized = tf.image.resizeBilinear(batch, tf.constant(new int[] {size, size}),
        ResizeBilinear.halfPixelCenters(true));
    return tf.math.sub(tf.math.div(resized, tf.constant(127.5f)), tf.constant(1f));
  }

  /** {@link #resizeAndScale} of each fixture's {@link #decodeImage}, concatenated: (N, S, S, 3). */
  public Operand<TFloat32> tfInputsFor(java.util.List<ImageFixtures.Fixture> fixtures, int size) {
    java.util.List<Operand<TFloat32>> batch = new java.util.ArrayList<>();
    for (ImageFixtures.Fixture f : fixtures) batch.add(resizeAndScale(decodeImage(f.bytes()), size));
    return batch.size() == 1 ? batch.get(0) : tf.concat(batch, tf.constant(0));
  }

  /** TF's own JPEG encoder on an (H, W, 3) uint8 RGB image. */
  public byte[] encodeJpeg(byte[] rgb, int h, int w, EncodeJpeg.Options... options) {
    try (TUint8 t = TUint8.tensorOf(Shape.of(h, w, 3), DataBuffers.of(rgb, true, false))) {
      TString encoded = tf.image.encodeJpeg(tf.constantOf(t), options).asTensor();
      return encoded.asBytes().getObject();
    }
  }

  @Override
  public void close() {
    session.close();
  }
}
