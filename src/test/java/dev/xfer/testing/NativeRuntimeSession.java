package dev.xfer.testing;

import dev.xfer.util.NativeRuntime;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the test JVM's native side the way {@code xfer} starts its own, before any test class is
 * loaded: the bundled libraries unpacked first (the suite runs with an empty JavaCPP cache of its own,
 * so every build also checks a first run), NNPACK off, the default thread count.
 */
public final class NativeRuntimeSession implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    NativeRuntime.start();
  }
}
