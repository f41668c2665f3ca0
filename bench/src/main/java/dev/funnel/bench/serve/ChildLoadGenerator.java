package dev.funnel.bench.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link LoadGenerator#runPost} in a JVM of its own, as wrk2 runs beside a server: a small heap that
 * holds only the request bodies, the HTTP client and the histogram, on the serial collector. The
 * bench JVM that drives a preset holds the dataset and the trained model (gigabytes); its young
 * collections paused the in-JVM generator for 3-17 ms every few seconds (session 13's GC logs), and
 * every request scheduled inside such a pause was charged the pause. A generator with a few
 * megabytes live has sub-millisecond young pauses, so the measured tail is the server's and the
 * machine's, not the harness's.
 *
 * <p>The child is {@code java [GENERATOR_JVM_OPTIONS] [FUNNEL_LOADGEN_JAVA_OPTS] -cp <this JVM's
 * class path> dev.funnel.bench.serve.ChildLoadGenerator BASE PATH RATE WARMUP_MS DURATION_MS
 * CONNECTIONS BODIES_FILE}, on this JVM's own {@code java}; bodies go one per line (each must be a
 * single line, as JSON events are). It prints its {@link LoadResult} as one JSON line after
 * {@value #RESULT}.
 */
public final class ChildLoadGenerator {
  /** The child JVM's flags: a fixed, pre-touched 256 MB heap on the serial collector (one GC thread, so a pause never waits for a core). */
  public static final List<String> GENERATOR_JVM_OPTIONS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:+AlwaysPreTouch");
  static final String RESULT = "load-result ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChildLoadGenerator() {}

  /**
   * As {@link LoadGenerator#runPost}, from a child JVM. Its output goes to a file (kept when it fails)
   * and is echoed with a {@code loadgen:} prefix once it has exited; a child still running a minute
   * after its measured window is killed.
   */
  public static LoadResult runPost(URI base, String path, List<String> bodies, double rate, Duration warmup, Duration duration,
      int connections) throws IOException, InterruptedException {
    if (bodies.isEmpty()) {
      throw new IllegalArgumentException("bodies must not be empty");
    }
    Path file = Files.createTempFile("funnel-loadgen", ".bodies");
    try {
      for (String b : bodies) {
        if (b.indexOf('\n') >= 0 || b.indexOf('\r') >= 0) {
          throw new IllegalArgumentException("a body for the child load generator must be one line; body=" + b);
        }
      }
      Files.write(file, bodies, StandardCharsets.UTF_8);
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(GENERATOR_JVM_OPTIONS);
      String extra = System.getenv("FUNNEL_LOADGEN_JAVA_OPTS");
      if (extra != null && !extra.isBlank()) {
        cmd.addAll(List.of(extra.trim().split("\\s+")));
      }
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildLoadGenerator.class.getName(), base.toString(), path,
          Double.toString(rate), Long.toString(warmup.toMillis()), Long.toString(duration.toMillis()), Integer.toString(connections),
          file.toString()));
      System.out.println("loadgen: " + String.join(" ", cmd.subList(0, cmd.indexOf("-cp"))) + " ... " + String.join(" ",
          cmd.subList(cmd.indexOf(ChildLoadGenerator.class.getName()), cmd.size())));
      Path out = Files.createTempFile("funnel-loadgen", ".out");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      Thread reaper = new Thread(p::destroyForcibly, "funnel-child-loadgen-reaper");
      Runtime.getRuntime().addShutdownHook(reaper);
      try {
        long limit = warmup.toMillis() + duration.toMillis() + 60_000;
        if (!p.waitFor(limit, TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("the child load generator did not exit within " + limit + " ms; its output is in " + out);
        }
        LoadResult result = null;
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
          if (line.startsWith(RESULT)) {
            result = JSON.readValue(line.substring(RESULT.length()), LoadResult.class);
          } else {
            System.out.println("loadgen: " + line);
          }
        }
        if (p.exitValue() != 0 || result == null) {
          throw new IllegalStateException("the child load generator exited with " + p.exitValue()
              + (result == null ? " without a result line" : ""));
        }
        Files.deleteIfExists(out);
        return result;
      } finally {
        p.destroyForcibly();
        Runtime.getRuntime().removeShutdownHook(reaper);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** The child: {@code BASE PATH RATE WARMUP_MS DURATION_MS CONNECTIONS BODIES_FILE}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 7) {
      System.err.println("usage: ChildLoadGenerator BASE PATH RATE WARMUP_MS DURATION_MS CONNECTIONS BODIES_FILE; got " + List.of(args));
      System.exit(2);
    }
    List<String> bodies = Files.readAllLines(Path.of(args[6]), StandardCharsets.UTF_8);
    LoadResult r = LoadGenerator.runPost(URI.create(args[0]), args[1], bodies, Double.parseDouble(args[2]),
        Duration.ofMillis(Long.parseLong(args[3])), Duration.ofMillis(Long.parseLong(args[4])), Integer.parseInt(args[5]));
    System.out.println(RESULT + JSON.writeValueAsString(r));
    System.out.flush();
    // Vert.x's threads are closed by runPost; exit explicitly in case a library thread lingers.
    System.exit(0);
  }
}
