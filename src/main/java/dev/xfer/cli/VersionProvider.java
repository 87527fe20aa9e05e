package dev.xfer.cli;

import dev.xfer.util.Versions;
import picocli.CommandLine.IVersionProvider;

/** Version lines for {@code xfer --version}: xfer's own and the LibTorch presets it runs on. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String own = XferCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "xfer " + (own == null ? "(development build)" : own),
      "LibTorch presets " + Versions.libTorch() + ", Java " + System.getProperty("java.version")
    };
  }
}
