package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** LibTorch is started only for a command that will run, not for usage or version text. */
class XferCommandTest {
  @ParameterizedTest(name = "xfer {0}")
  @CsvSource(delimiter = '|', value = {
    "info | true", "info --json | true", "'' | false", "--help | false", "--version | false", "help | false",
    "help train | false", "train --help | false", "predict -h | false"})
  void startsLibTorchOnlyForWork(String args, boolean expected) {
    CommandLine cli = new CommandLine(new XferCommand());
    String[] parts = args.isBlank() ? new String[0] : args.split(" ");
    assertEquals(expected, XferCommand.runsWork(cli.parseArgs(parts)), "xfer " + args);
  }
}
