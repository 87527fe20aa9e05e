package dev.xfer.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's error as one line ("xfer COMMAND: error: message") instead of a stack trace.
 * Errors raised in LibTorch carry C++ frames in their message: only its first line is shown. {@code --debug}
 * (or XFER_DEBUG=1) prints the whole message and the Java stack trace.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    boolean debug = System.getenv("XFER_DEBUG") != null || debugAsked(cmd);
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    if (!debug) message = firstLine(message);
    cmd.getErr().println(cmd.getCommandName() + ": error: " + message);
    if (debug) e.printStackTrace(cmd.getErr());
    cmd.getErr().flush();
    return 1;
  }

  /** The message's first line, noting that LibTorch's trace was left out. */
  static String firstLine(String message) {
    int nl = message.indexOf('\n');
    if (nl < 0) return message;
    boolean nativeTrace = message.contains("Exception raised from") || message.contains("frame #");
    return message.substring(0, nl).strip() + (nativeTrace ? " (LibTorch error; --debug shows its trace)" : "");
  }

  private static boolean debugAsked(CommandLine cmd) {
    for (CommandLine c = cmd; c != null; c = c.getParent()) {
      ParseResult r = c.getParseResult();
      if (r != null && r.hasMatchedOption("--debug")) return true;
    }
    return false;
  }
}
