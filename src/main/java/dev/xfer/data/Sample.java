package dev.xfer.data;

import java.nio.file.Path;

/**
 * One example of a data folder.
 *
 * @param path the image file
 * @param label class index (position in {@link ImageFolder#classes()}), or -1 when unlabelled
 * @param key tfds-style example key {@code "<classdir>/<filename>"}; it fixes the example order
 */
public record Sample(Path path, int label, String key) {}
