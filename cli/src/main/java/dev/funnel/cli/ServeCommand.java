package dev.funnel.cli;

import dev.funnel.recall.SavedModel;
import dev.funnel.online.EventTypes;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.online.UserActivity;
import dev.funnel.server.ApiKeys;
import dev.funnel.server.FunnelServer;
import dev.funnel.server.LiveService;
import dev.funnel.server.ModelLifecycle;
import dev.funnel.lifecycle.Retraining;
import dev.funnel.server.ModelDirectory;
import dev.funnel.server.ServerConfig;
import dev.funnel.server.ShutdownSignal;
import dev.funnel.server.TlsConfig;
import dev.funnel.store.log.LogConfig;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Serve models over HTTP: /v1/recommend, /v1/similar, /health, /metrics.",
        "With --data DIR it is the live service: events (POST /v1/events) are logged",
        "durably in DIR, change recommendations at once and are replayed at the next",
        "start; the catalog (/v1/items/{id}, /v1/users/{id}) is kept in DIR too.",
        "Models come from DIR/models unless --models names another folder.",
        "Live models are retrained in the background on a snapshot of the log, on a",
        "schedule (--train-every-minutes, --train-every-events) or on demand",
        "(POST /v1/models/NAME/train); a new version is promoted only if not worse than",
        "the serving one on a temporal holdout, kept in DIR/models/NAME/ (GET /v1/models)",
        "and hot-swapped; roll back with POST /v1/models/NAME/rollback[?version=N].",
        "Without --data, --models DIR serves the model files read-only."},
    footer = {"", "Examples:",
        "  funnel serve --models funnel-data/models --port 8080",
        "  funnel serve --data funnel-live --port 8080            # models in funnel-live/models",
        "  funnel serve --data funnel-live --models trained/ --port 8080",
        "  curl -X POST 'http://localhost:8080/v1/events' --data-binary '{\"user\":\"u17\",\"item\":\"i3\",\"type\":\"click\"}'",
        "  curl -X POST 'http://localhost:8080/v1/events?policy=all-or-nothing' --data-binary @events.jsonl",
        "  curl -X PUT 'http://localhost:8080/v1/items/i3' --data '{\"categories\":[\"shoes\"],\"available\":true}'",
        "  curl 'http://localhost:8080/v1/recommend?user=u17&k=10'",
        "  funnel serve --data funnel-live --train-every-events 100000 --train-every-minutes 60",
        "  curl -X POST 'http://localhost:8080/v1/models/itemcf/train'; curl 'http://localhost:8080/v1/models'",
        "  funnel serve --data funnel-live --tls-cert server.crt --tls-key server.key --port 8443",
        "  FUNNEL_TLS_KEYSTORE_PASSWORD=... funnel serve --data funnel-live --tls-keystore server.p12 --port 8443",
        "",
        "Stopping: SIGTERM or Ctrl-C stops accepting connections, drains in-flight requests (up to 5 s),",
        "fsyncs the event log, releases the data directory and exits 0."})
final class ServeCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--models", paramLabel = "DIR", description = "Folder of .fnl model files; each is served under its file name."
      + " Required without --data; with --data it defaults to DIR/models.")
  Path models;

  @Option(names = "--data", paramLabel = "DIR", description = "Data directory of the live service (created when absent; locked while served).")
  Path data;

  @Option(names = "--event-types", paramLabel = "SPEC", description = "Event types and weights, e.g. click=1,purchase=4,rating=value,dislike=negative."
      + " Default: impression=0,view=0.5,click=1,like=2,cart=2,purchase=4,rating=value,interaction=1,dislike/hide/skip=negative.")
  String eventTypes;

  @Option(names = "--idempotency-window", paramLabel = "N", defaultValue = "1000000",
      description = "How many recent event ids are remembered to accept a repeated id once. Default: ${DEFAULT-VALUE}.")
  int idempotencyWindow;

  @Option(names = "--max-online-users", paramLabel = "N", defaultValue = "1000000",
      description = "Users whose recent activity is kept in memory (least recently active evicted beyond; they fall back to their"
          + " trained profile). Default: ${DEFAULT-VALUE}.")
  int maxOnlineUsers;

  @Option(names = "--log-max-age-hours", paramLabel = "H", defaultValue = "0",
      description = "Log retention by age: closed segments last written more than H hours ago are deleted (checked every minute);"
          + " 0 keeps them. Default: ${DEFAULT-VALUE}.")
  double logMaxAgeHours;

  @Option(names = "--log-max-bytes", paramLabel = "BYTES", defaultValue = "0",
      description = "Log retention by size: the oldest closed segments are deleted while the log exceeds BYTES; 0 = no limit."
          + " Default: ${DEFAULT-VALUE}.")
  long logMaxBytes;

  @Option(names = "--log-preallocate-bytes", paramLabel = "BYTES", defaultValue = "1048576",
      description = "Zeros the log writer keeps written ahead of its records while idle (segment format 3), so a single event's fsync"
          + " does not also commit a growing file size through the filesystem journal; 0 = off (format-1 segments)."
          + " Default: ${DEFAULT-VALUE}.")
  long logPreallocateBytes;

  @Option(names = "--snapshot-every-events", paramLabel = "N", defaultValue = "1000000",
      description = "Write an online snapshot (restart replays only the log after it) every N applied events; 0 = not by count."
          + " Default: ${DEFAULT-VALUE}.")
  long snapshotEveryEvents;

  @Option(names = "--snapshot-every-seconds", paramLabel = "S", defaultValue = "300",
      description = "Write an online snapshot when S seconds passed since the last and events arrived; 0 = not by time. Default: ${DEFAULT-VALUE}.")
  long snapshotEverySeconds;

  @Option(names = "--no-snapshots", description = "No online snapshots: every start replays the whole log.")
  boolean noSnapshots;

  @Option(names = "--max-body-bytes", paramLabel = "BYTES", defaultValue = "16777216",
      description = "Largest write request body; larger ones get 413. Default: ${DEFAULT-VALUE}.")
  long maxBodyBytes;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to bind. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Port. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--default-model", paramLabel = "NAME", description = "Model used when a request names none. Default: the first by name.")
  String defaultModel;

  @Option(names = "--max-k", defaultValue = "1000", description = "Largest k a request may ask for. Default: ${DEFAULT-VALUE}.")
  int maxK;

  @Option(names = "--api-key-file", paramLabel = "FILE", description = "API keys, one per line: KEY or write:KEY (writes and reads),"
      + " read:KEY (reads only); # comments. The env var FUNNEL_API_KEY adds one write key. Without any key, writes are"
      + " accepted only when bound to a loopback address.")
  Path apiKeyFile;

  @Option(names = "--reads-need-key", description = "Require a key (read or write) on /v1/recommend, /v1/similar and catalog GETs too.")
  boolean readsNeedKey;

  @Option(names = "--max-batch-events", paramLabel = "N", defaultValue = "10000",
      description = "Most events in one POST /v1/events; more get 413. Default: ${DEFAULT-VALUE}.")
  int maxBatchEvents;

  @Option(names = "--rate-limit", paramLabel = "R", defaultValue = "0",
      description = "Requests/s per client (per API key, else per remote address) on /v1/*; over it 429 with Retry-After. 0 = off (default).")
  double rateLimit;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this PEM certificate (chain, server certificate first);"
      + " needs --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "PEM private key of --tls-cert (PKCS#8 or PKCS#1 RSA, unencrypted).")
  Path tlsKey;

  @Option(names = "--tls-keystore", paramLabel = "P12", description = "Serve HTTPS with this PKCS#12 key store instead of PEM files;"
      + " password from --tls-keystore-password-file or the env var FUNNEL_TLS_KEYSTORE_PASSWORD.")
  Path tlsKeystore;

  @Option(names = "--tls-keystore-password-file", paramLabel = "FILE", description = "File whose first line is the key store password.")
  Path tlsKeystorePasswordFile;

  @Option(names = "--shutdown-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "On SIGTERM/SIGINT: stop accepting, drain in-flight requests (up to 5 s), final fsync, release the data directory, exit 0;"
          + " if that takes longer than this, exit 1. Default: ${DEFAULT-VALUE}.")
  int shutdownTimeout;


  @Option(names = "--train-every-minutes", paramLabel = "M", defaultValue = "0",
      description = "Retrain each model when M minutes passed since its last training and new events were logged. 0 = off (default).")
  double trainEveryMinutes;

  @Option(names = "--train-every-events", paramLabel = "N", defaultValue = "0",
      description = "Retrain each model when N events were logged since its last training. 0 = off (default).")
  long trainEveryEvents;

  @Option(names = "--train", paramLabel = "NAME=ALGO[,k=v...]",
      description = "What to retrain for model NAME (repeatable), e.g. itemcf=itemcf,neighbors=200. Default: the serving model's algorithm and parameters.")
  java.util.List<String> trainSpecs = new java.util.ArrayList<>();

  @Option(names = "--keep-versions", paramLabel = "N", defaultValue = "5",
      description = "Model versions kept per model in DIR/models/NAME/ (the serving one always). Default: ${DEFAULT-VALUE}.")
  int keepVersions;

  @Option(names = "--holdout", paramLabel = "F", defaultValue = "0.2",
      description = "Share of each user's newest events held out to evaluate a retrained model. Default: ${DEFAULT-VALUE}.")
  double holdout;

  @Option(names = "--promote-metric", paramLabel = "METRIC@K", defaultValue = "ndcg@20",
      description = "Holdout metric a new version must not be worse on. Default: ${DEFAULT-VALUE}.")
  String promoteMetric;

  @Option(names = "--promote-tolerance", paramLabel = "T", defaultValue = "0.02",
      description = "Promote when candidate >= serving x (1 - T) on the metric. Default: ${DEFAULT-VALUE}.")
  double promoteTolerance;

  @Option(names = "--seed-popularity", description = "Seed the popularity counters with each model's training degrees at start,"
      + " for a data directory whose event log does not hold the training events (models trained elsewhere).")
  boolean seedPopularity;

  @Option(names = "--train-threads", paramLabel = "N", defaultValue = "1",
      description = "Threads for background training and evaluation (they run at low priority). Default: ${DEFAULT-VALUE}.")
  int trainThreads;

  /** The model lifecycle of the flags. */
  private ModelLifecycle.Config lifecycleConfig() {
    java.util.Map<String, ModelLifecycle.TrainSpec> specs = new java.util.LinkedHashMap<>();
    for (String spec : trainSpecs) {
      java.util.Map.Entry<String, ModelLifecycle.TrainSpec> e = ModelLifecycle.TrainSpec.parse(spec);
      specs.put(e.getKey(), e.getValue());
    }
    if (trainEveryMinutes < 0) {
      throw new IllegalArgumentException("--train-every-minutes must be >= 0; got " + trainEveryMinutes);
    }
    return ModelLifecycle.Config.defaults().withSchedule(Math.round(trainEveryMinutes * 60_000), trainEveryEvents).withKeep(keepVersions)
        .withTrain(specs).withRetraining(new Retraining.Config(holdout, promoteMetric, promoteTolerance, true, trainThreads));
  }


  /** The server config of the flags, API keys from --api-key-file and FUNNEL_API_KEY, TLS files. */
  private ServerConfig serverConfig() {
    ApiKeys keys = ApiKeys.load(apiKeyFile, System.getenv(ApiKeys.ENV_VAR));
    return new ServerConfig(host, port, maxK, defaultModel, ServerConfig.defaults().eventLoops())
        .withAccess(keys, readsNeedKey).withLimits(maxBatchEvents, rateLimit).withTls(tls());
  }

  private TlsConfig tls() {
    if (tlsCert == null && tlsKey == null && tlsKeystore == null) {
      if (tlsKeystorePasswordFile != null) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tls-keystore-password-file needs --tls-keystore");
      }
      return null;
    }
    try {
      return tlsKeystore != null && tlsCert == null && tlsKey == null
          ? TlsConfig.pkcs12(tlsKeystore, TlsConfig.password(tlsKeystorePasswordFile, System.getenv(TlsConfig.PASSWORD_ENV_VAR)))
          : new TlsConfig(tlsCert, tlsKey, tlsKeystore, null);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "TLS: " + e.getMessage());
    }
  }

  private Duration shutdownBound() {
    if (shutdownTimeout < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--shutdown-timeout must be >= 1; --shutdown-timeout=" + shutdownTimeout);
    }
    return Duration.ofSeconds(shutdownTimeout);
  }

  @Override
  public Integer call() throws Exception {
    if (data != null) {
      return serveLive();
    }
    if (models == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --models DIR, or --data DIR for the live service");
    }
    ServerConfig config = serverConfig();
    Map<String, SavedModel> loaded = ModelDirectory.load(models);
    serveUntilStopped(config, loaded, shutdownBound());
    return 0;
  }

  private Integer serveLive() throws InterruptedException {
    if (logPreallocateBytes < 0 || logPreallocateBytes > LogConfig.MAX_PREALLOCATE_BYTES) {
      throw new IllegalArgumentException("--log-preallocate-bytes must be between 0 (off) and " + LogConfig.MAX_PREALLOCATE_BYTES + "; got "
          + logPreallocateBytes);
    }
    LiveService.Config defaults = LiveService.Config.defaults();
    OnlineRecommender.Config online = defaults.online();
    UserActivity.Config users = online.users();
    online = new OnlineRecommender.Config(new UserActivity.Config(maxOnlineUsers, users.historyLength(), users.maxSeen(), users.segments()),
        online.popularity(), online.triggerHalfLifeMillis(), online.coldStart(), online.seedFromTraining() || seedPopularity,
        online.maxItems());
    LiveService.Config config = new LiveService.Config(eventTypes == null ? defaults.types() : EventTypes.parse(eventTypes), online,
        defaults.log().withMaxAgeMillis(Math.round(logMaxAgeHours * 3_600_000)).withMaxTotalBytes(logMaxBytes)
            .withPreallocateBytes(logPreallocateBytes), idempotencyWindow,
        new dev.funnel.server.OnlineSnapshot.Config(!noSnapshots, snapshotEveryEvents, snapshotEverySeconds * 1000, 2));
    ServerConfig serverConfig = serverConfig(); // bad key or TLS file: fail before taking the data directory
    Duration bound = shutdownBound();
    ModelLifecycle.Config lifecycle = lifecycleConfig();
    LiveService live = LiveService.open(data, models, config);
    FunnelServer server;
    try {
      ModelLifecycle.start(live, lifecycle);
      server = FunnelServer.start(serverConfig, live, FunnelServer.Scoring.WORKERS, maxBodyBytes);
    } catch (RuntimeException e) {
      live.close();
      throw e;
    }
    // Signals are taken over only once serving (a failed start leaves the JVM's own handling alone).
    ShutdownSignal stop = ShutdownSignal.install(bound);
    stop.closeOnStop(live);
    stop.closeOnStop(server);
    System.out.println(live.openReport().summary() + " (replay " + live.replayMillis() + " ms)");
    if (serverConfig.apiKeys().isEmpty()) {
      System.out.println(FunnelServer.NO_KEY_NOTE + host);
    } else {
      System.out.printf("api keys   %d configured; reads %s%n", serverConfig.apiKeys().size(), readsNeedKey ? "need a key" : "open");
    }
    System.out.printf("training   %s; versions in %s (GET /v1/models)%n", lifecycle.everyMillis() == 0 && lifecycle.everyEvents() == 0
        ? "on demand only (POST /v1/models/NAME/train)"
        : "every " + (lifecycle.everyEvents() > 0 ? lifecycle.everyEvents() + " events" : "")
            + (lifecycle.everyEvents() > 0 && lifecycle.everyMillis() > 0 ? " or " : "")
            + (lifecycle.everyMillis() > 0 ? trainEveryMinutes + " min" : "") + ", in the background",
        live.directory().modelsDir());
    if (!server.scenes().isEmpty()) {
      System.out.printf("scenes     %s from %s (GET /v1/recommend?scene=NAME; POST /v1/scenes/reload)%n", String.join(", ", server.scenes()),
          live.directory().scenesDir());
    }
    System.out.printf("serving    %s live from %s on %s://%s:%d (Ctrl-C or SIGTERM to stop)%n", String.join(", ", live.recommenders().keySet()),
        live.directory().root(), serverConfig.scheme(), host, server.port());
    String signal = stop.await(); // closes the server (drain), then the service (final fsync, catalog flush, lock released)
    System.out.println("stopped    on SIG" + signal + ": drained, log synced at event " + live.log().lastSequence() + ", data directory released");
    return 0;
  }

  /** {@link #serveUntilStopped(ServerConfig, Map, Duration)} with a 30 s shutdown bound. */
  static void serveUntilStopped(ServerConfig config, Map<String, SavedModel> models) throws InterruptedException {
    serveUntilStopped(config, models, Duration.ofSeconds(30));
  }

  /** Starts the server, prints where it listens, and blocks until SIGTERM/SIGINT, then drains and closes it. */
  static void serveUntilStopped(ServerConfig config, Map<String, SavedModel> models, Duration shutdownBound) throws InterruptedException {
    FunnelServer server = FunnelServer.start(config, models);
    ShutdownSignal stop = ShutdownSignal.install(shutdownBound);
    stop.closeOnStop(server);
    System.out.printf("serving    %s on %s://%s:%d (Ctrl-C or SIGTERM to stop)%n", String.join(", ", models.keySet()), config.scheme(), config.host(),
        server.port());
    stop.await();
  }
}
