package dev.funnel.bench.serve;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server as deployed, in its own JVM on the same machine: {@code bin/funnel serve --data DIR
 * --seed-popularity} (so the JVM flags are the ones {@code bin/funnel serve} ships), started,
 * awaited on {@code /ready}, stopped with SIGTERM (graceful) and killed if it lingers. The load
 * generator stays in the bench JVM (or, for the open-loop ingest row, {@link ChildLoadGenerator}'s
 * own JVM): the same machine and cores, but not the same heap, so neither pays for the other's
 * collections. {@code --seed-popularity}: the bench writes models but no event
 * log, as the in-JVM mode seeds the popularity counters from the training degrees.
 *
 * <p>Environment of the child: {@code FUNNEL_HEAP} = the preset's {@code server_heap};
 * {@code FUNNEL_JAVA_OPTS} = the preset's {@code server_jvm_options} plus {@code
 * FUNNEL_SERVER_JAVA_OPTS} (e.g. GC logging of the server alone); the bench's own {@code
 * FUNNEL_JAVA_OPTS} is not passed on, while {@code FUNNEL_GC} and {@code FUNNEL_SERVER_GC_OPTS} are
 * (they choose the server's collector settings, for A/B runs). The port is a free one found just
 * before the start; if another process takes it first the server fails to bind and the bench says so.
 * A shutdown hook kills the child if the bench JVM exits without closing it.
 */
public final class ChildServer implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  private final Process process;
  private final Thread reaper;
  private final int port;
  private final Path out;

  private ChildServer(Process process, Thread reaper, int port, Path out) {
    this.process = process;
    this.reaper = reaper;
    this.port = port;
    this.out = out;
  }

  /** {@link #start(Path, Path, String, List, List)} with {@code --seed-popularity} (a data directory of models without an event log). */
  public static ChildServer start(Path root, Path data, String heap, List<String> jvmOptions) throws IOException, InterruptedException {
    return start(root, data, heap, jvmOptions, List.of("--seed-popularity"));
  }

  /**
   * Starts {@code bin/funnel serve --data DATA --host 127.0.0.1 --port P} plus {@code serveArgs} and waits for {@code /ready}.
   * {@code root} is the project folder (its {@code bin/funnel} and the built CLI jar).
   */
  public static ChildServer start(Path root, Path data, String heap, List<String> jvmOptions, List<String> serveArgs)
      throws IOException, InterruptedException {
    Path funnel = root.resolve("bin").resolve("funnel");
    if (!Files.isExecutable(funnel) || !Files.isRegularFile(root.resolve("cli/target/funnel-cli.jar"))) {
      throw new IllegalStateException("server: process needs " + funnel + " and cli/target/funnel-cli.jar (mvn -q -DskipTests package)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path out = data.toAbsolutePath().getParent().resolve("funnel-serve-" + port + ".out");
    List<String> cmd = new ArrayList<>(List.of(funnel.toString(), "serve", "--data", data.toString(), "--host", "127.0.0.1", "--port",
        Integer.toString(port)));
    cmd.addAll(serveArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    Map<String, String> env = pb.environment();
    List<String> opts = new ArrayList<>(jvmOptions);
    String extra = System.getenv("FUNNEL_SERVER_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      opts.add(extra.trim());
    }
    env.put("FUNNEL_HEAP", heap);
    env.put("FUNNEL_JAVA_OPTS", String.join(" ", opts));
    Process p = pb.start();
    Thread reaper = new Thread(p::destroyForcibly, "funnel-child-server-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    System.out.printf("server: %s (pid %d, FUNNEL_HEAP=%s FUNNEL_JAVA_OPTS='%s'; output %s)%n", String.join(" ", cmd), p.pid(), heap,
        env.get("FUNNEL_JAVA_OPTS"), out);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).timeout(Duration.ofSeconds(2)).build();
    long t0 = System.nanoTime();
    long deadline = t0 + READY_TIMEOUT.toNanos();
    try {
      while (true) {
        if (!p.isAlive()) {
          throw new IllegalStateException("the server exited with " + p.exitValue() + " before it was ready; output:\n" + tail(out));
        }
        try {
          if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            System.out.printf("server ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            return new ChildServer(p, reaper, port, out);
          }
        } catch (IOException notYet) {
          // Not listening yet.
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the server was not ready within " + READY_TIMEOUT + "; output:\n" + tail(out));
        }
        Thread.sleep(20);
      }
    } catch (RuntimeException | Error | InterruptedException e) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      Runtime.getRuntime().removeShutdownHook(reaper);
      throw e;
    }
  }

  /** The server process's CPU time so far (all its threads, collector included), in seconds; NaN when the OS does not tell. */
  public double cpuSeconds() {
    return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  private static String tail(Path out) {
    try {
      List<String> lines = Files.readAllLines(out);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + out + ": " + e.getMessage() + ")";
    }
  }

  /** SIGTERM (drain, final fsync, directory released), SIGKILL after 30 s; the output file stays for a look. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    Runtime.getRuntime().removeShutdownHook(reaper);
  }
}
