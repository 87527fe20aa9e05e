package dev.xfer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a worker JVM inherits from its launcher. */
class WorkerLauncherTest {
  @TempDir Path dir;

  /** A worker that records its heap limit and JVM options in {@code DIR/rank<r>.txt}. */
  public static final class HeapReportingWorker {
    public static void main(String[] args) throws Exception {
      List<String> lines = new ArrayList<>();
      lines.add(Long.toString(Runtime.getRuntime().maxMemory()));
      lines.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      Files.write(Path.of(args[0], "rank" + System.getenv("RANK") + ".txt"), lines);
    }
  }

  @Test
  void heapSettingsPassToTheWorkersAndAgentsDoNot() {
    List<String> launcher = List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-Dfile.encoding=UTF-8",
        "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-javaagent:/opt/profiler.jar", "-XX:+UseSerialGC");
    List<String> worker = WorkerLauncher.childJvmOptions(launcher, null);
    assertEquals(List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"), worker.subList(0, 3));
    assertTrue(worker.stream().noneMatch(o -> o.startsWith("-agentlib") || o.startsWith("-javaagent")), worker.toString());
  }

  @Test
  void workerHeapOptionsReplaceTheLaunchersSmallHeap() {
    List<String> launcher = List.of("-Xmx256m", "-Dxfer.workerJvmOptions=-Xms512m -Xmx512m -XX:+AlwaysPreTouch");
    List<String> worker = WorkerLauncher.childJvmOptions(launcher, "-Xms512m -Xmx512m -XX:+AlwaysPreTouch");
    assertEquals(List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"), worker.subList(0, 3));
    assertTrue(worker.stream().noneMatch(o -> o.equals("-Xmx256m")), worker.toString());
  }

  @Test
  void everyRankRunsWithTheLaunchersHeapLimit() throws Exception {
    List<String> heapOptions = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(o -> o.startsWith("-Xmx")).toList();
    assertEquals(1, heapOptions.size(), "the test JVM runs with one -Xmx (pom.xml's argLine)");
    new WorkerLauncher(2, WorkerLauncher.freePort(), 60_000, dir).run(HeapReportingWorker.class.getName(), List.of(dir.toString()));
    for (int rank = 0; rank < 2; rank++) {
      List<String> lines = Files.readAllLines(dir.resolve("rank" + rank + ".txt"));
      assertEquals(Runtime.getRuntime().maxMemory(), Long.parseLong(lines.get(0)), "rank " + rank + ": the launcher's heap limit");
      assertTrue(lines.contains(heapOptions.get(0)), "rank " + rank + ": " + lines);
    }
  }
}
