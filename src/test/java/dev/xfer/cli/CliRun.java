package dev.xfer.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import picocli.CommandLine;

/**
 * One in-process {@code xfer} invocation as the tests see it: exit code and everything printed to
 * stdout and stderr (also echoed to the real stdout, so test logs show it).
 */
record CliRun(int code, String output) {
  static CliRun run(String... args) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    PrintStream capture = new PrintStream(buffer, true);
    System.setOut(capture);
    System.setErr(capture);
    try {
      CommandLine cli = new CommandLine(new XferCommand());
      cli.setExecutionExceptionHandler(new ErrorReporter());
      int code = cli.execute(args);
      return new CliRun(code, buffer.toString());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      oldOut.print(buffer);
    }
  }
}
