package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folder scanning: classes, keys, content sniffing, skipped files, and early errors. */
class ImageFolderTest {
  @TempDir Path root;

  private void image(String cls, String name) throws Exception {
    Files.createDirectories(root.resolve(cls));
    TestImages.writeRgb(root.resolve(cls).resolve(name), TestImages.randomRgb(new Random(name.hashCode()), 4, 4), 4, 4);
  }

  @Test
  void classesSortedFilesByContentKeysAndSkips() throws Exception {
    image("roses", "b.png");
    image("roses", "a.png");
    image("daisy", "x.bmp");
    TestImages.writeRgb(root.resolve("daisy/photo.png"), TestImages.randomRgb(new Random(1), 4, 4), 4, 4);
    Files.move(root.resolve("daisy/photo.png"), root.resolve("daisy/photo")); // no extension: recognised by content
    Files.write(root.resolve("daisy/.DS_Store"), new byte[] {1, 2, 3});
    Files.write(root.resolve("daisy/readme.txt"), "notes".getBytes(StandardCharsets.US_ASCII));
    Files.write(root.resolve("daisy/empty.jpg"), new byte[0]);
    Files.write(root.resolve("daisy/fake.jpg"), "<html>".getBytes(StandardCharsets.US_ASCII));
    Files.createDirectories(root.resolve(".hidden_class"));
    Files.write(root.resolve("LICENSE.txt"), "license".getBytes(StandardCharsets.US_ASCII));
    List<String> heard = new ArrayList<>();
    DataReport report = new DataReport(i -> heard.add(i.toString()));
    ImageFolder folder = ImageFolder.scan(root, report);
    assertEquals(List.of("daisy", "roses"), folder.classes());
    assertEquals(List.of("daisy/photo", "daisy/x.bmp", "roses/a.png", "roses/b.png"),
        folder.samples().stream().map(Sample::key).toList());
    assertEquals(List.of(0, 0, 1, 1), folder.samples().stream().map(Sample::label).toList());
    assertEquals(2, report.hiddenCount());
    assertEquals(1, folder.ignoredTopLevelFiles());
    assertEquals(List.of(root.resolve("daisy/readme.txt")), report.notImages().stream().map(DataReport.Issue::file).toList());
    assertEquals(List.of(root.resolve("daisy/empty.jpg"), root.resolve("daisy/fake.jpg")),
        report.badImages().stream().map(DataReport.Issue::file).toList());
    assertEquals(3, heard.size());
    assertTrue(heard.stream().allMatch(h -> h.startsWith(root.toString())), heard.toString());
    assertEquals("skipped 2 bad images, 1 file that is not an image, 2 hidden files", report.summary());
  }

  @Test
  void explicitClassOrderSetsLabels() throws Exception {
    image("daisy", "a.png");
    image("dandelion", "a.png");
    ImageFolder folder = ImageFolder.scan(root, List.of("dandelion", "daisy"), new DataReport());
    assertEquals(List.of("dandelion", "daisy"), folder.classes());
    assertEquals(List.of("dandelion/a.png", "daisy/a.png"), folder.samples().stream().map(Sample::key).toList());
    assertEquals(List.of(0, 1), folder.samples().stream().map(Sample::label).toList());
    assertTrue(assertThrows(InvalidDataFolderException.class,
        () -> ImageFolder.scan(root, List.of("daisy", "tulips", "dandelion"), new DataReport())).getMessage().contains("tulips"));
    assertTrue(assertThrows(InvalidDataFolderException.class,
        () -> ImageFolder.scan(root, List.of("daisy"), new DataReport())).getMessage().contains("dandelion"));
  }

  @Test
  void layoutErrorsNameTheFolder() throws Exception {
    Path missing = root.resolve("nope");
    assertTrue(assertThrows(InvalidDataFolderException.class, () -> ImageFolder.scan(missing, new DataReport()))
        .getMessage().contains(missing + " does not exist"));
    image("only", "a.png");
    InvalidDataFolderException one = assertThrows(InvalidDataFolderException.class, () -> ImageFolder.scan(root, new DataReport()));
    assertTrue(one.getMessage().contains(root.toString()) && one.getMessage().contains("at least 2"), one.getMessage());
    Files.createDirectories(root.resolve("empty"));
    InvalidDataFolderException empty = assertThrows(InvalidDataFolderException.class, () -> ImageFolder.scan(root, new DataReport()));
    assertEquals(root.resolve("empty"), empty.folder());
    assertTrue(empty.getMessage().contains(root.resolve("empty") + " has no images"), empty.getMessage());
    Files.write(root.resolve("empty/notes.txt"), "x".getBytes(StandardCharsets.US_ASCII));
    assertTrue(assertThrows(InvalidDataFolderException.class, () -> ImageFolder.scan(root, new DataReport()))
        .getMessage().contains("1 other entries skipped"));
  }
}
