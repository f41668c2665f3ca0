package dev.funnel.cli;

import dev.funnel.recall.SavedModel;
import dev.funnel.server.FunnelServer;
import dev.funnel.server.ModelDirectory;
import dev.funnel.server.ServerConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Serve the models of a folder over HTTP: /v1/recommend, /v1/similar, /health, /metrics.",
    footer = {"", "Example:", "  funnel serve --models funnel-data/models --port 8080",
        "  curl 'http://localhost:8080/v1/recommend?user=u17&k=10'"})
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--models", required = true, paramLabel = "DIR", description = "Folder of .fnl model files; each is served under its file name.")
  Path models;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to bind. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Port. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--default-model", paramLabel = "NAME", description = "Model used when a request names none. Default: the first by name.")
  String defaultModel;

  @Option(names = "--max-k", defaultValue = "1000", description = "Largest k a request may ask for. Default: ${DEFAULT-VALUE}.")
  int maxK;

  @Override
  public Integer call() throws Exception {
    Map<String, SavedModel> loaded = ModelDirectory.load(models);
    ServerConfig defaults = ServerConfig.defaults();
    ServerConfig config = new ServerConfig(host, port, maxK, defaultModel, defaults.eventLoops());
    serveUntilStopped(config, loaded);
    return 0;
  }

  /** Starts the server, prints where it listens, and blocks until the process is stopped. */
  static void serveUntilStopped(ServerConfig config, Map<String, SavedModel> models) throws InterruptedException {
    FunnelServer server = FunnelServer.start(config, models);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "funnel-shutdown"));
    System.out.printf("serving    %s on http://%s:%d (Ctrl-C to stop)%n", String.join(", ", models.keySet()), config.host(), server.port());
    stopped.await();
  }
}
