package dev.xfer.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions of the libraries xfer runs on, read from their jars' Maven metadata. */
public final class Versions {
  private Versions() {}

  /** The org.bytedeco:pytorch artifact version, e.g. "2.10.0-1.5.13" (LibTorch 2.10.0). */
  public static String libTorch() {
    return mavenVersion("org.bytedeco", "pytorch");
  }

  public static String mavenVersion(String group, String artifact) {
    String path = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = org.bytedeco.pytorch.global.torch.class.getResourceAsStream(path)) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
