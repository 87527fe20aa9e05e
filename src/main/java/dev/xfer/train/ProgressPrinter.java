package dev.xfer.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Keras-like progress: "Epoch 2/5" then a step bar with ETA, running loss and accuracy, redrawn in
 * place on a terminal (plain lines every 10% otherwise), and the epoch summary with validation.
 */
public final class ProgressPrinter {
  private final PrintStream out;
  private final boolean terminal;
  private long epochStart;
  private int lastDecile = -1;

  public ProgressPrinter(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** Progress on standard output, redrawn when a console is attached. */
  public static ProgressPrinter console() {
    return new ProgressPrinter(System.out, System.console() != null);
  }

  /** A printer that prints nothing (tests, library use). */
  public static ProgressPrinter silent() {
    return new ProgressPrinter(new PrintStream(java.io.OutputStream.nullOutputStream()), false);
  }

  /** The line that opens a phase (what trains, how). */
  public void phaseStart(String text) {
    out.println(text);
  }

  /** A line between epochs that is not a phase start: a resume, an early stop, restored weights, a note. */
  public void note(String text) {
    out.println(text);
  }

  public void epochStart(String phase, int epoch, int epochs) {
    epochStart = System.nanoTime();
    lastDecile = -1;
    out.printf(Locale.ROOT, "%s epoch %d/%d%n", phase, epoch, epochs);
  }

  public void step(int step, int steps, double loss, double accuracy) {
    double elapsed = (System.nanoTime() - epochStart) / 1e9;
    double eta = step == 0 ? 0 : elapsed / step * (steps - step);
    String line = String.format(Locale.ROOT, "%s/%d [%s] - ETA %.0fs - loss: %.4f - accuracy: %.4f",
        pad(step, steps), steps, bar(step, steps), eta, loss, accuracy);
    if (terminal) {
      out.print("\r" + line);
      out.flush();
    } else {
      int decile = steps == 0 ? 10 : step * 10 / steps;
      if (decile != lastDecile) {
        out.println(line);
        lastDecile = decile;
      }
    }
  }

  public void epochEnd(EpochRecord r, int steps) {
    if (terminal) out.println();
    out.printf(Locale.ROOT, "%d/%d - %.1fs - %.0f img/s - loss: %.4f - accuracy: %.4f - val_loss: %.4f - val_accuracy: %.4f - lr: %.6g%n",
        steps, steps, r.seconds(), r.imagesPerSecond(), r.loss(), r.accuracy(), r.valLoss(), r.valAccuracy(), r.learningRate());
  }

  private static String pad(int step, int steps) {
    return String.format("%" + Integer.toString(steps).length() + "d", step);
  }

  private static String bar(int step, int steps) {
    int width = 30;
    int filled = steps == 0 ? width : step * width / steps;
    return "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + ".".repeat(width - filled);
  }

  /** Progress on {@code out} without the per-step progress lines (epoch summaries stay), never redrawn. */
  public static ProgressPrinter withoutStepLines(PrintStream out) {
    return new ProgressPrinter(new PrintStream(new java.io.OutputStream() {
      private final StringBuilder line = new StringBuilder();

      @Override
      public void write(int b) {
        if (b == '\n') {
          String s = line.toString();
          line.setLength(0);
          if (!s.matches("\\s*\\d+/\\d+ \\[.*ETA.*")) out.println(s);
        } else {
          line.append((char) b);
        }
      }

      @Override
      public void flush() {
        out.flush();
      }
    }, true), false);
  }
}
