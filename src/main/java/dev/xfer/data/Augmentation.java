package dev.xfer.data;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Training-time augmentation of a decoded (H, W, 3) uint8 image, applied before the resize to the
 * model's input size. Off by default ({@link #NONE}); the Loader seeds a fresh RNG per image from
 * (seed, epoch, position in the epoch), so results do not depend on thread timing.
 *
 * <p>Random resized crop is torchvision's {@code RandomResizedCrop.get_params}: up to 10 tries of an
 * area fraction uniform in [minScale, maxScale] and a log-uniform aspect ratio (w/h) in
 * [minRatio, maxRatio], {@code w = round(sqrt(area * ratio))}, {@code h = round(sqrt(area / ratio))},
 * accepted when it fits, placed uniformly; otherwise a central crop with the ratio clamped to the
 * range. The crop is then resized to the input size by the normal preprocessing.
 *
 * @param horizontalFlip mirror left-right with probability 1/2
 * @param randomResizedCrop crop a random region first
 * @param minScale smallest crop area as a fraction of the image (torchvision: 0.08)
 * @param maxScale largest crop area fraction (1.0)
 * @param minRatio smallest width/height ratio (3/4)
 * @param maxRatio largest width/height ratio (4/3)
 */
public record Augmentation(
    boolean horizontalFlip, boolean randomResizedCrop, double minScale, double maxScale, double minRatio, double maxRatio) {

  /** No augmentation. */
  public static final Augmentation NONE = new Augmentation(false, false, 0.08, 1.0, 3.0 / 4, 4.0 / 3);

  /** Random flip and torchvision-default random resized crop. */
  public static final Augmentation FLIP_AND_CROP = new Augmentation(true, true, 0.08, 1.0, 3.0 / 4, 4.0 / 3);

  public Augmentation {
    if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
      throw new IllegalArgumentException("augmentation scale: expected 0 < min <= max <= 1, found " + minScale + ".." + maxScale);
    }
    if (!(minRatio > 0 && minRatio <= maxRatio)) {
      throw new IllegalArgumentException("augmentation ratio: expected 0 < min <= max, found " + minRatio + ".." + maxRatio);
    }
  }

  /** True when this changes images at all. */
  public boolean enabled() {
    return horizontalFlip || randomResizedCrop;
  }

  /** The crop box {@code {y, x, h, w}} for an image of {@code height x width}. */
  public int[] cropBox(int height, int width, SplittableRandom rng) {
    if (!randomResizedCrop) return new int[] {0, 0, height, width};
    double area = (double) height * width;
    double logLo = Math.log(minRatio);
    double logHi = Math.log(maxRatio);
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (minScale + (maxScale - minScale) * rng.nextDouble());
      double ratio = Math.exp(logLo + (logHi - logLo) * rng.nextDouble());
      int w = (int) Math.round(Math.sqrt(target * ratio));
      int h = (int) Math.round(Math.sqrt(target / ratio));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        int y = rng.nextInt(height - h + 1);
        int x = rng.nextInt(width - w + 1);
        return new int[] {y, x, h, w};
      }
    }
    double inRatio = (double) width / height;
    int w = width;
    int h = height;
    if (inRatio < minRatio) {
      h = (int) Math.round(w / minRatio);
    } else if (inRatio > maxRatio) {
      w = (int) Math.round(h * maxRatio);
    }
    return new int[] {(height - h) / 2, (width - w) / 2, h, w};
  }

  /**
   * The augmented copy of a contiguous (H, W, 3) uint8 CPU image, or {@code image} itself when
   * nothing is enabled. Draws the crop first, then the flip, from {@code rng}.
   */
  public Tensor apply(Tensor image, SplittableRandom rng) {
    if (!enabled()) return image;
    int height = (int) image.size(0);
    int width = (int) image.size(1);
    int[] box = cropBox(height, width, rng);
    boolean flip = horizontalFlip && rng.nextBoolean();
    if (!flip && box[2] == height && box[3] == width) return image;
    Tensor out = torch.empty(new long[] {box[2], box[3], 3}, new TensorOptions(ScalarType.Byte), new MemoryFormatOptional());
    try (BytePointer srcData = new BytePointer(image.data_ptr());
        Mat src = new Mat(height, width, opencv_core.CV_8UC3, srcData);
        Rect rect = new Rect(box[1], box[0], box[3], box[2]);
        Mat roi = new Mat(src, rect);
        BytePointer dstData = new BytePointer(out.data_ptr());
        Mat dst = new Mat(box[2], box[3], opencv_core.CV_8UC3, dstData)) {
      if (flip) {
        opencv_core.flip(roi, dst, 1);
      } else {
        roi.copyTo(dst);
      }
    }
    return out;
  }
}
