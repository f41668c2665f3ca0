package dev.funnel.server;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.recall.ModelRecommender;
import dev.funnel.store.catalog.Catalog;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HTTP surface: parses and bounds parameters, calls {@link ModelRecommender}, writes JSON. Holds no
 * model logic. Every request is counted and timed by route name; anything thrown becomes a JSON
 * error (4xx for the client's fault, 500 otherwise) and never escapes to Vert.x.
 */
final class HttpRoutes {
  static final String RECOMMEND = "/v1/recommend";
  static final String SIMILAR = "/v1/similar";
  static final String HEALTH = "/health";
  static final String METRICS = "/metrics";
  static final String READY = "/ready";
  static final String UNMATCHED = "unmatched";
  static final int DEFAULT_K = 20;

  private static final System.Logger LOG = System.getLogger(FunnelServer.class.getName());
  static final String ROUTE_KEY = "funnel.route";
  private static final byte[] INTERNAL_ERROR = "{\"error\":\"internal error\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final Map<String, ModelRecommender> models;
  private final ModelRecommender defaultModel;
  private final int maxK;
  private final ServerMetrics metrics;
  private final ObjectMapper json;
  /** Where scoring runs when it is taken off the event loop; null scores on the event loop. */
  private final WorkerExecutor scoring;

  /** Live mode: recommendations by model name from the online state; null serves the models as trained. */
  private final Map<String, OnlineRecommender> online;
  private final long maxBodyBytes;
  /** Live mode: the catalog items hidden now (unavailable, unpublished, expired); empty otherwise. */
  private final Supplier<List<String>> hidden;
  /** Live mode: the write routes; null when serving a models folder only. */
  private final LiveRoutes live;
  /** Live mode: the service (its metrics, the models serving now, which change on swaps); null otherwise. */
  private final LiveService liveService;
  /** Live mode: the model lifecycle routes; null otherwise. */
  private final ModelRoutes lifecycle;
  /** Live mode: the scenes (multi-stage pipelines) of the data directory; null otherwise. */
  private final SceneRoutes scenes;
  private final Auth auth;
  /** Per-client request rate on /v1/*; null when off. */
  private final RateLimiter limiter;
  /** Set once the server listens on a recovered log and loaded models; cleared when it starts closing. */
  private volatile boolean ready;
  /** The last router built (all instances are alike); the OpenAPI test reads its routes. */
  private volatile Router lastRouter;

  /**
   * @param liveService null for the read-only server; otherwise recommendations come from its online
   *     recommenders and the write routes are added
   * @param maxBodyBytes the largest write body (larger ones get a JSON 413)
   */
  HttpRoutes(Map<String, ModelRecommender> models, ModelRecommender defaultModel, ServerConfig config, ServerMetrics metrics, ObjectMapper json,
      WorkerExecutor scoring, LiveService liveService, long maxBodyBytes) {
    int maxK = config.maxK();
    this.auth = new Auth(config.apiKeys(), config.readsNeedKey());
    this.limiter = config.requestsPerSecond() > 0
        ? new RateLimiter(config.requestsPerSecond(), Math.max(1, config.requestsPerSecond()), System::nanoTime)
        : null;
    this.maxBodyBytes = maxBodyBytes;
    this.online = liveService == null ? null : liveService.recommenders();
    this.hidden = liveService == null ? List::of : liveService::hiddenItems;
    this.metrics = metrics;
    this.live = liveService == null ? null : new LiveRoutes(liveService, this, json, maxBodyBytes, config.maxBatchEvents());
    this.liveService = liveService;
    this.lifecycle = liveService == null ? null : new ModelRoutes(liveService, this);
    this.scenes = liveService == null ? null : new SceneRoutes(liveService, this);
    if (liveService != null) {
      metrics.modelVersions(liveService::versionGauges);
    }
    this.models = models;
    this.defaultModel = defaultModel;
    this.maxK = maxK;
    this.json = json;
    this.scoring = scoring;
  }

  Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(this::timed);
    router.route().handler(this::guard);
    if (scenes != null) {
      scenes.register(router); // ?scene=NAME requests; the others fall through to the model route below
    }
    router.get(RECOMMEND).handler(ctx -> serve(ctx, RECOMMEND, () -> {
      ModelRecommender model = model(ctx);
      String user = required(ctx, "user");
      int k = k(ctx);
      List<String> exclude = list(ctx, "exclude");
      OnlineRecommender live = online == null ? null : online.get(model.name());
      if (live != null) {
        return () -> Responses.recommend(user, model.name(), live.recommend(user, k, exclude));
      }
      return () -> Responses.recommend(user, model.name(), model.recommend(user, k, exclude));
    }));
    router.get(SIMILAR).handler(ctx -> serve(ctx, SIMILAR, () -> {
      ModelRecommender model = model(ctx);
      String item = required(ctx, "item");
      int k = k(ctx);
      ModelRecommender current = liveService == null ? model : liveService.servingModel(model.name());
      return () -> {
        ModelRecommender.Result similar = current.similar(item, k, hidden.get());
        if (similar == null) {
          throw new RequestException(404, "unknown item '" + item + "' in model '" + model.name() + "'", "item", item);
        }
        return Responses.similar(item, model.name(), similar);
      };
    }));
    router.get(HEALTH).handler(ctx -> serve(ctx, HEALTH, () -> {
      Responses.Health health = new Responses.Health("ok", new ArrayList<>(models.keySet()));
      return () -> health;
    }));
    router.get(READY).handler(ctx -> {
      ctx.put(ROUTE_KEY, READY);
      if (ready) {
        write(ctx, 200, new Responses.Health("ready", new ArrayList<>(models.keySet())));
      } else {
        write(ctx, 503, new Responses.ErrorBody("not ready: starting up or shutting down", null, null));
      }
    });
    byte[] openApi = openApiBytes();
    router.get(OpenApiDocument.PATH).handler(ctx -> {
      ctx.put(ROUTE_KEY, OpenApiDocument.PATH);
      ctx.response().putHeader("content-type", "application/json").end(Buffer.buffer(openApi));
    });
    router.get(METRICS).handler(ctx -> {
      ctx.put(ROUTE_KEY, METRICS);
      try {
        ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.render(servingModels(), liveService, limiter == null ? -1 : limiter.clients())
            + (scenes == null ? "" : scenes.metricsText()));
      } catch (RuntimeException e) {
        fail(ctx, e);
      }
    });
    if (live != null) {
      live.register(router);
      lifecycle.register(router);
    }
    // Anything else, any method: a JSON 404 rather than Vert.x's HTML page.
    router.route().handler(ctx -> write(ctx, 404,
        new Responses.ErrorBody("no route for " + ctx.request().method() + " " + ctx.request().path(), null, null)));
    lastRouter = router;
    router.errorHandler(500, ctx -> fail(ctx, ctx.failure()));
    router.errorHandler(413, ctx -> write(ctx, 413, new Responses.ErrorBody("request body too large; limit " + maxBodyBytes + " bytes", null, null)));
    return router;
  }

  /** The models serving now: after a hot swap, the swapped-in ones. */
  private Map<String, ModelRecommender> servingModels() {
    if (liveService == null) {
      return models;
    }
    Map<String, ModelRecommender> out = new java.util.TreeMap<>();
    for (String name : models.keySet()) {
      out.put(name, liveService.servingModel(name));
    }
    return out;
  }

  private byte[] openApiBytes() {
    try {
      return json.writeValueAsBytes(OpenApiDocument.build(json, live != null, maxK));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the OpenAPI document: " + e.getMessage(), e);
    }
  }

  ServerMetrics metrics() {
    return metrics;
  }

  /** The scene routes (live mode), or null. */
  SceneRoutes sceneRoutes() {
    return scenes;
  }

  /** Live mode: the scenes serving now, by name (empty otherwise). */
  List<String> sceneNames() {
    return scenes == null ? List.of() : new ArrayList<>(scenes.scenes().keySet());
  }

  /** Whether per-request work runs on the event loop ({@link FunnelServer.Scoring#EVENT_LOOP}). */
  boolean scoresOnEventLoop() {
    return scoring == null;
  }

  /** Stops what the routes own (the scenes' channel pool). */
  void close() {
    if (scenes != null) {
      scenes.close();
    }
  }

  void ready(boolean isReady) {
    ready = isReady;
  }

  boolean isReady() {
    return ready;
  }

  Router lastRouter() {
    return lastRouter;
  }

  /** API key check, then the per-client rate limit; refusals are JSON 401, 403 or 429. */
  private void guard(RoutingContext ctx) {
    String path = ctx.request().path();
    String client;
    try {
      client = auth.check(ctx.request().method(), path, ctx.request().getHeader("Authorization"), ctx.request().getHeader("X-Api-Key"));
    } catch (RequestException e) {
      if (e.status() == 401) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
      }
      write(ctx, e.status(), e.body());
      return;
    }
    if (limiter != null && path.startsWith(Auth.GUARDED_PREFIX)) {
      String id = client != null ? client : "addr:" + (ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress());
      long retryAfter = limiter.acquire(id);
      if (retryAfter > 0) {
        ctx.response().putHeader("Retry-After", Long.toString(retryAfter));
        write(ctx, 429, new Responses.ErrorBody("rate limit exceeded: at most " + limiter.ratePerSecond() + " requests/s per client; retry after "
            + retryAfter + " s", null, null));
        return;
      }
    }
    ctx.next();
  }

  /** Stamps the start time and records route, status and latency once the response is written. */
  private void timed(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addBodyEndHandler(v -> metrics.record(ctx.get(ROUTE_KEY, UNMATCHED), ctx.response().getStatusCode(), System.nanoTime() - start));
    ctx.next();
  }

  /**
   * Parses on the event loop (cheap, and a bad request never reaches the pool), then runs the work
   * on the event loop or the scoring pool and writes the result from the event loop.
   */
  void serve(RoutingContext ctx, String route, Supplier<Supplier<Object>> parse) {
    ctx.put(ROUTE_KEY, route);
    Supplier<Object> work;
    try {
      work = parse.get();
    } catch (RuntimeException e) {
      fail(ctx, e);
      return;
    }
    if (scoring == null || route.equals(HEALTH)) {
      try {
        write(ctx, 200, work.get());
      } catch (RuntimeException e) {
        fail(ctx, e);
      }
      return;
    }
    scoring.executeBlocking(work::get, false).onComplete(ar -> {
      if (ar.succeeded()) {
        write(ctx, 200, ar.result());
      } else {
        fail(ctx, ar.cause());
      }
    });
  }

  private ModelRecommender model(RoutingContext ctx) {
    String name = single(ctx, "model");
    if (name == null) {
      return defaultModel;
    }
    ModelRecommender model = models.get(name);
    if (model == null) {
      throw RequestException.badParameter("model", name,
          "unknown model '" + name + "'; valid models: " + String.join(", ", models.keySet()));
    }
    return model;
  }

  int k(RoutingContext ctx) {
    String raw = single(ctx, "k");
    if (raw == null) {
      return Math.min(DEFAULT_K, maxK);
    }
    int k;
    try {
      k = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw RequestException.badParameter("k", raw, "k must be an integer; k=" + raw);
    }
    if (k < 1 || k > maxK) {
      throw RequestException.badParameter("k", raw, "k must be in [1, " + maxK + "]; k=" + raw);
    }
    return k;
  }

  private static String required(RoutingContext ctx, String name) {
    String value = single(ctx, name);
    if (value == null || value.isEmpty()) {
      throw RequestException.badParameter(name, value, "missing required parameter '" + name + "'");
    }
    return checkId(name, value);
  }

  /** Ids are bounded like the catalog's and the event log's: {@link Catalog#MAX_ID_LENGTH} characters. */
  static String checkId(String name, String value) {
    if (value.length() > Catalog.MAX_ID_LENGTH) {
      throw RequestException.badParameter(name, value.substring(0, 64) + "...",
          name + " must be at most " + Catalog.MAX_ID_LENGTH + " characters; length=" + value.length());
    }
    return value;
  }

  /** The parameter's value, or null if absent; repeating a single-valued parameter is an error. */
  static String single(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw RequestException.badParameter(name, String.join(",", values), "parameter '" + name + "' given " + values.size() + " times");
    }
    return values.get(0);
  }

  /** Comma-separated values, across repeats of the parameter; blanks dropped. */
  static List<String> list(RoutingContext ctx, String name) {
    List<String> out = new ArrayList<>();
    for (String raw : ctx.queryParam(name)) {
      for (String part : raw.split(",")) {
        String s = part.trim();
        if (!s.isEmpty()) {
          out.add(checkId(name, s));
        }
      }
    }
    return out;
  }

  /**
   * Runs blocking work (synced disk writes, model loads) on a worker, unordered, and writes its result as
   * 200 JSON; an IllegalArgumentException is the client's fault (400), any other failure goes to {@link #fail}.
   */
  void blocking(RoutingContext ctx, java.util.concurrent.Callable<Object> work) {
    ctx.vertx().executeBlocking(() -> {
      try {
        return work.call();
      } catch (IllegalArgumentException e) {
        throw new RequestException(400, e.getMessage(), null, null);
      }
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        write(ctx, 200, ar.result());
      } else {
        fail(ctx, ar.cause());
      }
    });
  }

  void fail(RoutingContext ctx, Throwable error) {
    if (error instanceof RequestException re) {
      write(ctx, re.status(), re.body());
      return;
    }
    metrics.exception();
    LOG.log(Level.ERROR, "request " + ctx.request().method() + " " + ctx.request().uri() + " failed", error);
    String message = error == null ? "unknown failure" : error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
    write(ctx, 500, new Responses.ErrorBody("internal error: " + message, null, null));
  }

  void write(RoutingContext ctx, int status, Object body) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JsonProcessingException | RuntimeException e) {
      metrics.exception();
      LOG.log(Level.ERROR, "cannot serialize response for " + ctx.request().uri(), e);
      status = 500;
      bytes = INTERNAL_ERROR;
    }
    response.setStatusCode(status).putHeader("content-type", "application/json").end(Buffer.buffer(bytes));
  }
}
