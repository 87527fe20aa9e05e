package dev.xfer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What a data run skipped, and why: hidden files, files that are not images, and bad images
 * (empty, truncated, corrupt, unsupported). Each skipped file is recorded once, however many epochs
 * meet it, and handed once to the listener given at construction (e.g. a line on stderr). Thread-safe.
 */
public final class DataReport {
  /** Why a file was skipped. */
  public enum Kind {
    /** Content is not any image format (e.g. a text file); never counted as a data error. */
    NOT_IMAGE,
    /** Meant as an image (image content or extension) but unusable; a data error. */
    BAD_IMAGE
  }

  /** One skipped file. */
  public record Issue(Path file, Kind kind, String reason) {
    @Override
    public String toString() {
      return file + ": " + reason;
    }
  }

  private final Consumer<Issue> listener;
  private final Set<Path> seen = ConcurrentHashMap.newKeySet();
  private final List<Issue> issues = new ArrayList<>();
  private final AtomicLong hidden = new AtomicLong();
  private final AtomicLong decoded = new AtomicLong();

  /** A report that records silently. */
  public DataReport() {
    this(issue -> {});
  }

  /** A report that also hands each new issue to {@code listener} (called from any thread, once per file). */
  public DataReport(Consumer<Issue> listener) {
    this.listener = listener;
  }

  /** Records a skipped file; returns false (and does nothing) when the file was already recorded. */
  public boolean add(Path file, Kind kind, String reason) {
    if (!seen.add(file)) return false;
    Issue issue = new Issue(file, kind, reason);
    synchronized (issues) {
      issues.add(issue);
    }
    listener.accept(issue);
    return true;
  }

  /** Records a bad image from its exception. */
  public boolean addBad(BadImageException e) {
    return add(e.file(), Kind.BAD_IMAGE, e.reason());
  }

  /** Counts a skipped hidden (dot) file. */
  public void countHidden() {
    hidden.incrementAndGet();
  }

  /** Counts a successful decode (each epoch's decodes count; cache hits do not). */
  public void countDecoded() {
    decoded.incrementAndGet();
  }

  /** True when {@code file} has already been recorded as skipped. */
  public boolean isSkipped(Path file) {
    return seen.contains(file);
  }

  public long hiddenCount() {
    return hidden.get();
  }

  public long decodedCount() {
    return decoded.get();
  }

  /** Bad images, sorted by path. */
  public List<Issue> badImages() {
    return issues(Kind.BAD_IMAGE);
  }

  /** Files that are not images, sorted by path. */
  public List<Issue> notImages() {
    return issues(Kind.NOT_IMAGE);
  }

  private List<Issue> issues(Kind kind) {
    List<Issue> out = new ArrayList<>();
    synchronized (issues) {
      for (Issue i : issues) if (i.kind() == kind) out.add(i);
    }
    out.sort(Comparator.comparing(Issue::file));
    return out;
  }

  /** One line, e.g. {@code "skipped 3 bad images, 1 file that is not an image, 2 hidden files"}. */
  public String summary() {
    int bad = badImages().size();
    int notImage = notImages().size();
    long h = hiddenCount();
    if (bad == 0 && notImage == 0 && h == 0) return "skipped nothing";
    List<String> parts = new ArrayList<>();
    if (bad > 0) parts.add(bad + (bad == 1 ? " bad image" : " bad images"));
    if (notImage > 0) parts.add(notImage + (notImage == 1 ? " file that is not an image" : " files that are not images"));
    if (h > 0) parts.add(h + (h == 1 ? " hidden file" : " hidden files"));
    return "skipped " + String.join(", ", parts);
  }
}
