package dev.xfer.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An image folder with one sub-folder per class, read against a model's classes: every sub-folder must
 * be one of the model's class names, and its images get that class's index in the model as label.
 */
public final class ClassFolders {
  private ClassFolders() {}

  /**
   * The images of {@code dir} labelled by their position in {@code modelClasses}. With
   * {@code requireAll}, every model class needs a sub-folder; otherwise a subset is fine. A mismatch
   * names the missing and the extra classes.
   */
  public static List<Sample> read(Path dir, List<String> modelClasses, boolean requireAll, DataReport report) throws IOException {
    ImageFolder folder = ImageFolder.scan(dir, report);
    List<String> extra = folder.classes().stream().filter(c -> !modelClasses.contains(c)).toList();
    List<String> missing = requireAll ? modelClasses.stream().filter(c -> !folder.classes().contains(c)).toList() : List.of();
    if (!extra.isEmpty() || !missing.isEmpty()) {
      List<String> parts = new ArrayList<>();
      if (!missing.isEmpty()) parts.add("no sub-folder for " + String.join(", ", missing));
      if (!extra.isEmpty()) parts.add("sub-folder" + (extra.size() > 1 ? "s " : " ") + String.join(", ", extra) + " not a class of the model");
      throw new InvalidDataFolderException(dir, "image folder " + dir + ": class sub-folders " + folder.classes()
          + " do not match the model's classes " + modelClasses + ": " + String.join("; ", parts));
    }
    List<Sample> out = new ArrayList<>();
    for (Sample s : folder.samples()) {
      out.add(new Sample(s.path(), modelClasses.indexOf(folder.classes().get(s.label())), s.key()));
    }
    return out;
  }
}
