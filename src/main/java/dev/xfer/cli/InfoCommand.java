package dev.xfer.cli;

import dev.xfer.report.HostFacts;
import dev.xfer.util.Json;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xfer info}: what this installation runs on, and why CUDA is or is not used. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Show the Java runtime, the LibTorch build and its threads, whether CUDA is available (and why not), which native xfer kernels are loaded (CPU always; CUDA when compiled in and a GPU is visible), the C memory allocator, whether the one-pass optimizer matched LibTorch's update on this host, whether the native depthwise backward pass matches LibTorch's at Xception's 9 depthwise shapes on this host, and the fast-path self-check for the full Xception at 224 px on this host (channels-last, and bf16 where the CPU has it), with its time.")
final class InfoCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  @Override
  public Integer call() {
    Map<String, String> facts = HostFacts.collect();
    if (json) {
      System.out.println(Json.object(facts));
    } else {
      int width = facts.keySet().stream().mapToInt(String::length).max().orElse(0);
      facts.forEach((k, v) -> System.out.printf("%-" + width + "s  %s%n", k, v));
    }
    return 0;
  }
}
