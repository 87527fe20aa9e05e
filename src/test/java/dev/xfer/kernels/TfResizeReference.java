package dev.xfer.kernels;

/**
 * An independent implementation of TensorFlow's CPU {@code resize_bilinear} with
 * {@code half_pixel_centers=True} (TensorFlow's resize_bilinear kernel), followed by per-channel normalisation, in
 * float32 in TF's operation order. Written from the formula, sharing nothing with the native code;
 * it samples one output value at a time, straight from the source pixels.
 */
final class TfResizeReference {
  private TfResizeReference() {}

  /** Returns (3, outH, outW) floats, planar RGB, for one HWC RGB image. */
  static float[] resizeNormalize(
      byte[] hwc, int h, int w, int outH, int outW, float scaleDiv, float[] mean, float[] std) {
    float[] out = new float[3 * outH * outW];
    float scaleY = (float) h / (float) outH;
    float scaleX = (float) w / (float) outW;
    for (int oy = 0; oy < outH; oy++) {
      float inY = ((float) oy + 0.5f) * scaleY - 0.5f;
      int y0 = Math.max((int) Math.floor(inY), 0);
      int y1 = Math.min((int) Math.ceil(inY), h - 1);
      float yLerp = inY - (float) Math.floor(inY);
      for (int ox = 0; ox < outW; ox++) {
        float inX = ((float) ox + 0.5f) * scaleX - 0.5f;
        int x0 = Math.max((int) Math.floor(inX), 0);
        int x1 = Math.min((int) Math.ceil(inX), w - 1);
        float xLerp = inX - (float) Math.floor(inX);
        for (int c = 0; c < 3; c++) {
          float tl = pixel(hwc, w, y0, x0, c);
          float tr = pixel(hwc, w, y0, x1, c);
          float bl = pixel(hwc, w, y1, x0, c);
          float br = pixel(hwc, w, y1, x1, c);
          float top = tl + (tr - tl) * xLerp;
          float bottom = bl + (br - bl) * xLerp;
          float v = top + (bottom - top) * yLerp;
          out[(c * outH + oy) * outW + ox] = (v / scaleDiv - mean[c]) / std[c];
        }
      }
    }
    return out;
  }

  private static float pixel(byte[] hwc, int w, int y, int x, int c) {
    return hwc[(y * w + x) * 3 + c] & 0xFF;
  }
}
