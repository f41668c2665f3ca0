package dev.funnel.server;

import dev.funnel.recall.ModelRecommender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.recall.SavedModel;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP recommendation server: one Vert.x HTTP server instance per event loop sharing one port,
 * all reading the same immutable models.
 *
 * <p>Endpoints: {@code GET /v1/recommend?user=&k=&exclude=&model=}, {@code GET /v1/similar?item=&k=&model=},
 * {@code GET /health} (alive), {@code GET /ready} (200 once listening on loaded models and a recovered
 * log, 503 once closing), {@code GET /metrics} (Prometheus text), {@code GET /openapi.json}. Access and
 * limits come from {@link ServerConfig}: see {@link Auth} and {@link RateLimiter}; HTTPS when it has a
 * {@link TlsConfig}. {@link #close} is the graceful stop ({@link ShutdownSignal} calls it on SIGTERM).
 *
 * <p>Where scoring runs: {@link Scoring#WORKERS} by default, a pool with one thread per core fed
 * from one queue; event loops only parse, route and write. Measured with {@code
 * dev.funnel.bench.serve.ServeBenchmark} on the 2-core build machine (Temurin 25; synthetic
 * 40,000-item dim-16 factor model, dense scores + top-20, ~0.27 ms per direct call; 1,000 req/s
 * open loop for 20 s after 10 s warm-up, 16 keep-alive connections, server and load in separate
 * JVMs): on a quiet machine both modes are alike (p50 0.67-0.71 ms, p99 3.0-4.5 ms over three
 * runs each). With other builds taking the cores (load average 3-8) the event-loop mode's p99
 * went to 1.3-3.7 s in four of five runs while the worker mode stayed at 4-230 ms: on the event
 * loop a request can only run on the loop owning its connection, so a loop that falls behind
 * queues while the other idles (their CPU time was 42% vs 15% in one run); the shared queue
 * balances, and its two hand-offs did not show in p50. The /health route, which never leaves the
 * event loop, measured p50 0.23 ms / p99 0.57 ms end to end (23 µs mean inside the server).
 * {@link Scoring#EVENT_LOOP} stays for models whose work is a few microseconds.
 */
public final class FunnelServer implements AutoCloseable {
  /** Where per-request model work runs. */
  public enum Scoring {
    /** On the event loop that owns the connection: no hand-off, but no balancing across loops either. */
    EVENT_LOOP,
    /** On a worker pool with one thread per core; the event loop only parses and writes. */
    WORKERS
  }

  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final int port;
  private final WorkerExecutor scoring;
  private final HttpRoutes routes;

  /** Printed (by the CLI) when a writable server runs without API keys. */
  public static final String NO_KEY_NOTE = "no API key configured: writes accepted only on loopback ";

  private FunnelServer(Vertx vertx, int port, WorkerExecutor scoring, HttpRoutes routes) {
    this.vertx = vertx;
    this.port = port;
    this.scoring = scoring;
    this.routes = routes;
  }

  /** Starts with scoring on the worker pool; returns once the port is listening. */
  public static FunnelServer start(ServerConfig config, Map<String, SavedModel> models) {
    return start(config, models, Scoring.WORKERS);
  }

  /**
   * Starts the server and blocks until it listens.
   *
   * @throws IllegalArgumentException if there are no models or the default model is not among them
   * @throws IllegalStateException if the server cannot listen (port in use, bad host)
   */
  public static FunnelServer start(ServerConfig config, Map<String, SavedModel> models, Scoring scoring) {
    return start(config, models, scoring, null, 0);
  }

  /** Default largest write body of the live server: 16 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;

  /**
   * Starts the live server on an open {@link LiveService}: {@code /v1/recommend} comes from its online
   * recommenders, {@code /v1/similar} from their models, and the write routes ({@code POST /v1/events},
   * {@code /v1/items/{id}}, {@code /v1/users/{id}}) are added. The caller keeps owning {@code live}
   * and closes it after this server.
   *
   * @param maxBodyBytes the largest write body; larger ones are refused with a JSON 413
   * @throws IllegalStateException if no API key is configured and {@code config.host()} is not a loopback
   *     address (writes without a key are only taken from the local machine)
   */
  public static FunnelServer start(ServerConfig config, LiveService live, Scoring scoring, long maxBodyBytes) {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive; maxBodyBytes=" + maxBodyBytes);
    }
    if (live.lifecycle() == null) {
      ModelLifecycle.start(live, ModelLifecycle.Config.defaults()); // training on demand only; the CLI starts one with a schedule
    }
    Map<String, SavedModel> models = new TreeMap<>();
    live.recommenders().forEach((name, r) -> models.put(name, r.saved()));
    return start(config, models, scoring, live, maxBodyBytes);
  }

  /** {@link #start(ServerConfig, LiveService, Scoring, long)} on workers with a 16 MiB body limit. */
  public static FunnelServer start(ServerConfig config, LiveService live) {
    return start(config, live, Scoring.WORKERS, DEFAULT_MAX_BODY_BYTES);
  }

  private static FunnelServer start(ServerConfig config, Map<String, SavedModel> models, Scoring scoring, LiveService live,
      long maxBodyBytes) {
    if (models == null || models.isEmpty()) {
      throw new IllegalArgumentException("no models to serve");
    }
    TreeMap<String, ModelRecommender> served = new TreeMap<>();
    models.forEach((name, saved) -> served.put(name, new ModelRecommender(name, saved)));
    String defaultName = config.defaultModel() != null ? config.defaultModel() : served.firstKey();
    ModelRecommender defaultModel = served.get(defaultName);
    if (defaultModel == null) {
      throw new IllegalArgumentException("defaultModel '" + defaultName + "' is not loaded; models: " + String.join(", ", served.keySet()));
    }
    if (live != null && config.apiKeys().isEmpty() && !isLoopback(config.host())) {
      throw new IllegalStateException("no API key configured: refusing to accept writes on non-loopback host " + config.host()
          + "; configure a key (--api-key-file FILE or " + ApiKeys.ENV_VAR + ") or bind 127.0.0.1");
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
    WorkerExecutor pool = scoring == Scoring.WORKERS
        ? vertx.createSharedWorkerExecutor("funnel-scoring", Runtime.getRuntime().availableProcessors())
        : null;
    HttpRoutes routes;
    try {
      routes = new HttpRoutes(Collections.unmodifiableMap(served), defaultModel, config, new ServerMetrics(), new ObjectMapper(), pool, live,
          maxBodyBytes);
    } catch (RuntimeException e) { // e.g. a bad scene file: nothing may keep running
      vertx.close();
      throw e;
    }
    // Vert.x shares one port between instances only when they ask for the same non-zero port (each
    // port-0 instance would get its own), so port 0 is resolved to a free port first, retrying if
    // another process takes it in between.
    int attempts = config.port() == 0 ? 5 : 1;
    for (int attempt = 1; ; attempt++) {
      int port = config.port();
      try {
        int bound = port == 0 ? freePort(config.host()) : port;
        port = bound;
        await(vertx.deployVerticle(() -> new HttpVerticle(routes, config.host(), bound, config.tls()),
            new DeploymentOptions().setInstances(config.eventLoops())));
        routes.ready(true);
        return new FunnelServer(vertx, bound, pool, routes);
      } catch (RuntimeException e) {
        if (attempt < attempts && isBindFailure(e)) {
          continue;
        }
        vertx.close();
        routes.close();
        throw new IllegalStateException("cannot start the server on " + config.host() + ":" + port + ": " + e.getMessage(), e);
      }
    }
  }

  /** Whether {@code host} names a loopback address only (an unresolvable host is not). */
  public static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static int freePort(String host) {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port on " + host + ": " + e.getMessage(), e);
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  /** The routes of the running router (all server instances route alike), for the OpenAPI check. */
  List<io.vertx.ext.web.Route> routes() {
    return routes.lastRouter().getRoutes();
  }

  HttpRoutes httpRoutes() {
    return routes;
  }

  /** Live mode: the scenes loaded from the data directory's scenes folder, by name (empty when none). */
  public List<String> scenes() {
    return routes.sceneNames();
  }

  /** The port it listens on (the chosen one when configured with 0). */
  public int port() {
    return port;
  }

  /**
   * Graceful stop: {@code /ready} turns 503, the servers stop accepting connections and let in-flight
   * requests finish (up to 5 s; an event request in flight is answered after its fsync), then Vert.x
   * and the scoring pool stop. The caller closes the {@link LiveService} after this (final fsync).
   */
  @Override
  public void close() {
    routes.ready(false);
    try {
      await(vertx.close());
    } finally {
      // After the servers' grace period: in-flight requests may still be scoring on the pool.
      if (scoring != null) {
        scoring.close();
      }
      routes.close();
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after 30 s", e);
    }
  }

  /** One HTTP server on one event loop. */
  private static final class HttpVerticle extends VerticleBase {
    private final HttpRoutes routes;
    private final String host;
    private final int port;
    private final TlsConfig tls;
    private volatile HttpServer server;

    HttpVerticle(HttpRoutes routes, String host, int port, TlsConfig tls) {
      this.routes = routes;
      this.host = host;
      this.port = port;
      this.tls = tls;
    }

    @Override
    public Future<?> start() {
      // HTTP/1.1 only: no h2c. A client offering an upgrade (the JDK's HttpClient does by default) stays on
      // HTTP/1.1, so one admin call cannot switch a connection to HTTP/2 classes that the JIT then finds in the
      // hot request path compiled for HTTP/1.1 and deoptimises (seen as a stall of milliseconds per rollback).
      HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setTcpNoDelay(true).setHttp2ClearTextEnabled(false);
      if (tls != null) {
        // HTTP/1.1 only (no ALPN): the same protocol as the plain server, whose clients keep working.
        options.setSsl(true).setKeyCertOptions(tls.isPem()
            ? new PemKeyCertOptions().setCertPath(tls.certPem().toString()).setKeyPath(tls.keyPem().toString())
            : new PfxOptions().setPath(tls.keyStore().toString()).setPassword(tls.keyStorePassword()));
      }
      return vertx.createHttpServer(options).requestHandler(routes.router(vertx)).listen().onSuccess(s -> server = s);
    }

    @Override
    public Future<?> stop() {
      HttpServer s = server;
      return s == null ? Future.succeededFuture() : s.shutdown(SHUTDOWN_GRACE);
    }
  }
}
