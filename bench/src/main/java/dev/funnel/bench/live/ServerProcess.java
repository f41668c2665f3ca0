package dev.funnel.bench.live;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.experiment.Experiment;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.store.DataDirectory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real server as a child process: {@code funnel serve --data DIR} in its own JVM (the classpath
 * of this one), started, awaited on {@code /ready}, and killed with SIGKILL ({@code kill -9}). Its
 * output goes to {@code DIR/../server.out} so a full pipe never stalls it.
 */
final class ServerProcess {
  private final Process process;
  final int port;
  /** Seconds from the process start to the first 200 of {@code /ready}. */
  final double readySeconds;

  private ServerProcess(Process process, int port, double readySeconds) {
    this.process = process;
    this.port = port;
    this.readySeconds = readySeconds;
  }

  /** Starts the server on {@code data} and waits (up to {@code timeout}) until {@code /ready} answers 200. */
  static ServerProcess start(Path data, String heap, Duration timeout) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = data.toAbsolutePath().getParent().resolve("server.out");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(java, "-Xmx" + heap, "-XX:+UseG1GC", "--add-modules", "jdk.incubator.vector", "-cp",
        System.getProperty("java.class.path"), "dev.funnel.cli.FunnelCli", "serve", "--data", data.toString(), "--host", "127.0.0.1",
        "--port", Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).timeout(Duration.ofSeconds(2)).build();
    long deadline = t0 + timeout.toNanos();
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the server exited with " + p.exitValue() + " before it was ready; see " + out);
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return new ServerProcess(p, port, (System.nanoTime() - t0) / 1e9);
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("the server was not ready within " + timeout + "; see " + out);
      }
      Thread.sleep(5);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** SIGKILL on Unix; returns once the process is gone (so its directory lock is released). */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** A data directory with one tiny ItemCF model (the crash and recovery benches measure the log, not the model). */
  static void writeTinyModel(Path data) throws IOException {
    IdMap users = new IdMap();
    IdMap items = new IdMap();
    for (String i : List.of("a0", "a1", "b0")) {
      items.getOrAdd(i);
    }
    for (int u = 0; u < 4; u++) {
      users.getOrAdd("u" + u);
    }
    int[] ptr = {0, 2, 4, 5, 6};
    int[] cols = {0, 1, 0, 1, 2, 2};
    Interactions train = new Interactions(4, 3, ptr, cols, new float[cols.length], new long[cols.length]);
    SavedModel saved = SavedModel.of(Experiment.fit("itemcf", Map.of(), train, TrainContext.defaults()).model(), users, items, train);
    Path models = Files.createDirectories(data.resolve(DataDirectory.MODELS_DIR));
    ModelFile.write(models.resolve("itemcf" + ModelFile.SUFFIX), saved);
  }
}
