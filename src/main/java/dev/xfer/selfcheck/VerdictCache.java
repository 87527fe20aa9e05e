package dev.xfer.selfcheck;

import dev.xfer.util.AtomicFiles;
import dev.xfer.util.Sha256;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Self-check verdicts on disk, one small properties file per (host, library, fast path, shapes) key,
 * under {@code $XDG_CACHE_HOME/xfer/self-check} (default {@code ~/.cache/xfer/self-check}; the system
 * property {@code xfer.cacheDir} replaces {@code $XDG_CACHE_HOME/xfer}). An unreadable or damaged
 * entry counts as absent; a cache that cannot be written only costs the check's time next run.
 */
final class VerdictCache {
  private final Path directory;

  VerdictCache(Path directory) {
    this.directory = directory;
  }

  /** The user's cache. */
  static VerdictCache userCache() {
    String own = System.getProperty("xfer.cacheDir");
    if (own != null) return new VerdictCache(Path.of(own, "self-check"));
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return new VerdictCache(base.resolve("xfer").resolve("self-check"));
  }

  Path directory() {
    return directory;
  }

  /** The stored verdict for {@code key}, or null. */
  Verdict read(String key, FastPath path) {
    Path file = fileFor(key);
    if (!Files.isRegularFile(file)) return null;
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
      if (!key.equals(p.getProperty("key"))) return null;
      return new Verdict(path, Boolean.parseBoolean(p.getProperty("passed")), Integer.parseInt(p.getProperty("shapes")),
          p.getProperty("worst.shape", ""), p.getProperty("worst.part", ""), Double.parseDouble(p.getProperty("worst.error")),
          Double.parseDouble(p.getProperty("seconds")), true);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Stores {@code verdict} under {@code key}; returns false (and stores nothing) where the cache is not writable. */
  boolean write(String key, Verdict verdict) {
    Properties p = new Properties();
    p.setProperty("key", key);
    p.setProperty("path", verdict.path().name());
    p.setProperty("passed", String.valueOf(verdict.passed()));
    p.setProperty("shapes", String.valueOf(verdict.shapes()));
    p.setProperty("worst.shape", verdict.worstShape());
    p.setProperty("worst.part", verdict.worstPart());
    p.setProperty("worst.error", String.valueOf(verdict.worstError()));
    p.setProperty("seconds", String.valueOf(verdict.seconds()));
    try {
      Files.createDirectories(directory);
      AtomicFiles.write(fileFor(key), temp -> {
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
          p.store(out, "xfer fast-path self-check verdict");
        }
      });
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private Path fileFor(String key) {
    return directory.resolve(Sha256.hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 32) + ".properties");
  }
}
