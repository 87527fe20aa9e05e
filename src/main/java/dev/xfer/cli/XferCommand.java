package dev.xfer.cli;

import dev.xfer.util.NativeRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code xfer} command line: one subcommand class per verb. */
@Command(
    name = "xfer",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Transfer learning for image models on LibTorch: Keras-exact Xception, fused native kernels.",
      ""
    },
    subcommands = {DemoCommand.class, InfoCommand.class, PretrainCommand.class, PretrainDaeCommand.class, AdaptCommand.class, DriftCommand.class, VerifyDataCommand.class, PreprocessCommand.class, TrainCommand.class, EvaluateCommand.class, SummaryCommand.class, EmbedCommand.class, PredictCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
    footer = {
      "",
      "Run 'xfer help COMMAND' or 'xfer COMMAND --help' for a command's options.",
      "Exit codes: 0 success, 1 the work failed, 2 bad command-line usage."
    })
public final class XferCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "On an error, print the full message (with LibTorch's C++ frames) and the stack trace.")
  boolean debug;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    NativeRuntime.prepare();
    CommandLine cli = new CommandLine(new XferCommand());
    cli.setExecutionExceptionHandler(new ErrorReporter());
    cli.setExecutionStrategy(parsed -> {
      if (runsWork(parsed)) NativeRuntime.start();
      return new CommandLine.RunLast().execute(parsed);
    });
    System.exit(cli.execute(args));
  }

  /** True when a command will run (not just print its usage or the version): LibTorch is loaded for it. */
  static boolean runsWork(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) return false;
      if (p.subcommand() == null) return p != parsed && !(p.commandSpec().userObject() instanceof CommandLine.HelpCommand);
    }
    return false;
  }
}
