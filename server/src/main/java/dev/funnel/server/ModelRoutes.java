package dev.funnel.server;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * The model lifecycle over HTTP (live mode): {@code GET /v1/models} lists every model's versions,
 * which one serves, its metrics and the last training decision; {@code POST /v1/models/{name}/train}
 * trains now (waits for the result unless {@code wait=false}); {@code POST /v1/models/{name}/rollback}
 * serves an older version ({@code version=N}, default the newest older one). The POSTs are writes, so
 * they need a write key when keys are configured.
 */
final class ModelRoutes {
  static final String MODELS = "/v1/models";
  static final String TRAIN = "/v1/models/:name/train";
  static final String ROLLBACK = "/v1/models/:name/rollback";

  private final LiveService live;
  private final HttpRoutes http;

  ModelRoutes(LiveService live, HttpRoutes http) {
    this.live = live;
    this.http = http;
  }

  void register(Router router) {
    router.route(MODELS).handler(ctx -> route(ctx));
    router.route(MODELS + "/*").handler(ctx -> route(ctx));
    BodyHandler body = BodyHandler.create(false).setBodyLimit(4096);
    router.get(MODELS).handler(ctx -> http.blocking(ctx, () -> Map.of("models", list())));
    router.post(TRAIN).handler(body).handler(this::train);
    router.post(ROLLBACK).handler(body).handler(ctx -> http.blocking(ctx, () -> {
      String name = name(ctx);
      Long version = version(ctx);
      try {
        return result(lifecycle().rollback(name, version));
      } catch (IllegalArgumentException e) {
        throw new RequestException(version == null ? 409 : 400, e.getMessage(), version == null ? null : "version",
            version == null ? null : version.toString());
      }
    }));
  }

  private static void route(RoutingContext ctx) {
    ctx.put(HttpRoutes.ROUTE_KEY, MODELS);
    ctx.next();
  }

  private ModelLifecycle lifecycle() {
    ModelLifecycle l = live.lifecycle();
    if (l == null) {
      throw new RequestException(503, "model lifecycle not running", null, null);
    }
    return l;
  }

  private String name(RoutingContext ctx) {
    String name = HttpRoutes.checkId("name", ctx.pathParam("name"));
    if (!live.versions().has(name)) {
      throw new RequestException(404, "unknown model '" + name + "'; models: " + String.join(", ", live.versions().names()), "name", name);
    }
    return name;
  }

  private static Long version(RoutingContext ctx) {
    List<String> values = ctx.queryParam("version");
    if (values.isEmpty()) {
      return null;
    }
    try {
      if (values.size() > 1) {
        throw new NumberFormatException();
      }
      long v = Long.parseLong(values.get(0).trim());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw RequestException.badParameter("version", String.join(",", values), "version must be one non-negative integer; version="
          + String.join(",", values));
    }
  }

  private static boolean waitFor(RoutingContext ctx) {
    List<String> values = ctx.queryParam("wait");
    if (values.isEmpty()) {
      return true;
    }
    String w = values.get(0);
    if (values.size() > 1 || !(w.equals("true") || w.equals("false"))) {
      throw RequestException.badParameter("wait", String.join(",", values), "wait must be true or false; wait=" + String.join(",", values));
    }
    return w.equals("true");
  }

  private void train(RoutingContext ctx) {
    String name;
    boolean wait;
    ModelLifecycle l;
    try {
      name = name(ctx);
      wait = waitFor(ctx);
      l = lifecycle();
    } catch (RuntimeException e) {
      http.fail(ctx, e);
      return;
    }
    var future = l.train(name);
    if (!wait) {
      http.write(ctx, 202, Map.of("queued", name));
      return;
    }
    Context context = Vertx.currentContext();
    Future.fromCompletionStage(future, context).onComplete(ar -> {
      if (ar.succeeded()) {
        http.write(ctx, 200, result(ar.result()));
      } else {
        Throwable cause = ar.cause() instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : ar.cause();
        http.write(ctx, 503, new Responses.ErrorBody("training failed: " + cause.getMessage(), null, null));
      }
    });
  }

  private static Map<String, Object> result(ModelLifecycle.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", r.model());
    m.put("promoted", r.promoted());
    m.put("version", r.version());
    m.put("log_position", r.logPosition());
    m.put("reason", r.reason());
    m.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
    return m;
  }

  /** Every model: serving version, versions on disk, last decision, schedule. */
  List<Map<String, Object>> list() {
    ModelVersions versions = live.versions();
    ModelLifecycle l = live.lifecycle();
    long end = live.log().lastSequence();
    List<Map<String, Object>> out = new ArrayList<>();
    for (String name : versions.names()) {
      long serving = versions.serving(name);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("serving_version", serving);
      m.put("algorithm", live.recommenders().get(name).saved().model().algorithm());
      long trainedOn = versions.version(name, serving).map(ModelVersions.Version::logPosition).orElse(0L);
      m.put("trained_on_log_position", trainedOn);
      m.put("log_position", end);
      m.put("training", l != null && name.equals(l.training()));
      // How many erased users a version on disk still holds (ids are not listed: they were erased).
      m.put("pending_erasures", versions.pendingErasures(name).size());
      if (l != null) {
        Map<String, Object> schedule = new LinkedHashMap<>();
        schedule.put("every_minutes", l.config().everyMillis() / 60_000.0);
        schedule.put("every_events", l.config().everyEvents());
        schedule.put("keep", l.config().keep());
        m.put("schedule", schedule);
      }
      List<Map<String, Object>> vs = new ArrayList<>();
      for (ModelVersions.Version v : versions.versions(name)) {
        Map<String, Object> e = v.toMap();
        e.put("serving", v.version() == serving);
        vs.add(e);
      }
      m.put("versions", vs);
      m.put("last_attempt", versions.lastAttempt(name).map(ModelVersions.Attempt::toMap).orElse(null));
      out.add(m);
    }
    return out;
  }

}
