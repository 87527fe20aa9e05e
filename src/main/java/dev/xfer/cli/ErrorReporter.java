package dev.xfer.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's error as one line ("xfer COMMAND: message") instead of a stack trace;
 * set XFER_DEBUG=1 to see the trace.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    cmd.getErr().println(cmd.getCommandName() + ": error: " + message.strip());
    if (System.getenv("XFER_DEBUG") != null) e.printStackTrace(cmd.getErr());
    return 1;
  }
}
