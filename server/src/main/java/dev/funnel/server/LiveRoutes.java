package dev.funnel.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.store.Event;
import dev.funnel.store.catalog.ItemPatch;
import dev.funnel.store.catalog.ItemRecord;
import dev.funnel.store.catalog.UserPatch;
import dev.funnel.store.catalog.UserRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The write side of the live server: {@code POST /v1/events} and the catalog ({@code /v1/items/{id}},
 * {@code /v1/users/{id}}). Parses and validates, calls {@link LiveService}, writes JSON; errors go
 * through {@link HttpRoutes} like every other route.
 *
 * <p>Events: the response is written only after the accepted events are durable (the log's future
 * completed, handed back to the request's event loop) and have been applied to the online state, so a
 * following {@code /v1/recommend} reflects them. Catalog writes are synced to disk by the catalog and
 * run on a worker thread.
 *
 * <p>Erasure: {@code DELETE /v1/users/{id}} is {@link LiveService#eraseUser}: it answers once the
 * erasure is durable in the log directory, the profile and online state are gone and the log
 * segments are compacted without the user's events. Models trained before keep the user until retrained.
 */
final class LiveRoutes {
  static final String EVENTS = "/v1/events";
  static final String ITEMS = "/v1/items/:id";
  static final String USERS = "/v1/users/:id";
  static final String PER_LINE = "per-line";
  static final String ALL_OR_NOTHING = "all-or-nothing";
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final LiveService live;
  private final HttpRoutes http;
  private final ObjectMapper json;
  private final long maxBodyBytes;

  private final int maxBatchEvents;

  LiveRoutes(LiveService live, HttpRoutes http, ObjectMapper json, long maxBodyBytes, int maxBatchEvents) {
    this.maxBatchEvents = maxBatchEvents;
    this.live = live;
    this.http = http;
    this.json = json;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The body of {@code POST /v1/events}'s response; {@code error} only on a 400. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Ingested(int accepted, int duplicates, List<EventLines.Rejected> rejected, String error) {}

  void register(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    // Route names first, on routes of their own: a body handler must come first on its route, and a
    // body refused with 413 should still be counted under its route.
    router.route(EVENTS).handler(ctx -> route(ctx, EVENTS));
    router.route("/v1/items/*").handler(ctx -> route(ctx, "/v1/items/{id}"));
    router.route("/v1/users/*").handler(ctx -> route(ctx, "/v1/users/{id}"));
    router.post(EVENTS).handler(body).handler(this::events);
    router.put(ITEMS).handler(body).handler(ctx -> http.blocking(ctx, () -> {
      ItemRecord item = ItemRecord.fromMap(id(ctx), object(ctx));
      live.putItem(item);
      return item.toMap();
    }));
    router.patch(ITEMS).handler(body).handler(ctx -> http.blocking(ctx, () -> {
      String id = id(ctx);
      ItemPatch patch = ItemPatch.fromMap(object(ctx));
      return live.patchItem(id, patch).orElseThrow(() -> notFound("item", id)).toMap();
    }));
    router.get(ITEMS).handler(ctx -> http.blocking(ctx, () -> {
      String id = id(ctx);
      return live.getItem(id).orElseThrow(() -> notFound("item", id)).toMap();
    }));
    router.delete(ITEMS).handler(ctx -> http.blocking(ctx, () -> {
      String id = id(ctx);
      if (!live.deleteItem(id)) {
        throw notFound("item", id);
      }
      return Map.of("deleted", id);
    }));
    router.put(USERS).handler(body).handler(ctx -> http.blocking(ctx, () -> {
      UserRecord user = UserRecord.fromMap(id(ctx), object(ctx));
      live.putUser(user);
      return user.toMap();
    }));
    router.patch(USERS).handler(body).handler(ctx -> http.blocking(ctx, () -> {
      String id = id(ctx);
      UserPatch patch = UserPatch.fromMap(object(ctx));
      return live.catalog().patchUser(id, patch).orElseThrow(() -> notFound("user", id)).toMap();
    }));
    router.get(USERS).handler(ctx -> http.blocking(ctx, () -> {
      String id = id(ctx);
      return live.getUser(id).orElseThrow(() -> notFound("user", id)).toMap();
    }));
    router.delete(USERS).handler(ctx -> http.blocking(ctx, () -> {
      String id = id(ctx);
      LiveService.Erasure e = live.eraseUser(id);
      if (!e.existed()) {
        throw notFound("user", id);
      }
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      out.put("deleted", id);
      out.put("erased_through_sequence", e.erasedThrough());
      out.put("events_erased", e.eventsErased());
      out.put("segments_rewritten", e.segmentsRewritten());
      out.put("compacted", e.compacted());
      out.put("models_retraining", e.modelsRetraining());
      return out;
    }));
  }

  private static String id(RoutingContext ctx) {
    return HttpRoutes.checkId("id", ctx.pathParam("id"));
  }

  private static void route(RoutingContext ctx, String name) {
    ctx.put(HttpRoutes.ROUTE_KEY, name);
    ctx.next();
  }

  private static RequestException notFound(String kind, String id) {
    return new RequestException(404, "no " + kind + " '" + id + "'", "id", id);
  }

  private Map<String, Object> object(RoutingContext ctx) {
    byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    if (bytes.length == 0) {
      throw new RequestException(400, "the body must be a JSON object", null, null);
    }
    try {
      Map<String, Object> m = json.readValue(bytes, OBJECT);
      if (m == null) {
        throw new RequestException(400, "the body must be a JSON object", null, null);
      }
      return m;
    } catch (IOException e) {
      throw new RequestException(400, "the body must be a JSON object: " + e.getMessage().lines().findFirst().orElse(""), null, null);
    }
  }


  private void events(RoutingContext ctx) {
    long received = System.nanoTime();
    String policy;
    EventLines.Parsed parsed;
    try {
      policy = policy(ctx);
      byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
      parsed = EventLines.parse(bytes, live.eventTypes(), json, System.currentTimeMillis());
    } catch (EventLines.MalformedBody e) {
      http.write(ctx, 400, new Ingested(0, 0, List.of(), e.getMessage()));
      return;
    } catch (RuntimeException e) {
      http.fail(ctx, e);
      return;
    }
    List<EventLines.Rejected> rejected = parsed.rejected();
    int lines = parsed.events().size() + rejected.size();
    if (lines > maxBatchEvents) {
      http.write(ctx, 413, new Ingested(0, 0, List.of(), "too many events in one request: " + lines + " > maxBatchEvents " + maxBatchEvents
          + "; split the batch"));
      return;
    }
    if (!rejected.isEmpty() && (policy.equals(ALL_OR_NOTHING) || parsed.events().isEmpty())) {
      String why = policy.equals(ALL_OR_NOTHING) ? "policy all-or-nothing: no event stored because " + rejected.size() + " line(s) were rejected"
          : "no valid event in the body";
      http.metrics().rejected(rejected);
      http.write(ctx, 400, new Ingested(0, 0, rejected, why));
      return;
    }
    if (parsed.events().isEmpty()) {
      http.write(ctx, 400, new Ingested(0, 0, rejected, "the body holds no event"));
      return;
    }
    CompletableFuture<Long> pending = new CompletableFuture<>();
    List<CompletableFuture<Long>> earlier = live.reserveIds(parsed.events(), pending);
    List<Event> fresh = new ArrayList<>(parsed.events().size());
    List<CompletableFuture<?>> waits = new ArrayList<>();
    for (int i = 0; i < earlier.size(); i++) {
      if (earlier.get(i) == null) {
        fresh.add(parsed.events().get(i));
      } else {
        waits.add(earlier.get(i));
      }
    }
    int duplicates = waits.size();
    try {
      live.append(fresh).whenComplete((seq, err) -> {
        if (err != null) {
          live.releaseIds(fresh, pending);
          pending.completeExceptionally(err);
        } else {
          pending.complete(seq);
        }
      });
    } catch (RuntimeException e) {
      live.releaseIds(fresh, pending);
      pending.completeExceptionally(e);
    }
    waits.add(pending);
    Context context = Vertx.currentContext();
    Future.fromCompletionStage(CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0])), context).onComplete(ar -> {
      Long durable = pending.isDone() && !pending.isCompletedExceptionally() ? pending.join() : null;
      if (ar.failed()) {
        if (durable != null) {
          live.observe(fresh, durable); // stored although an earlier duplicate's append failed: apply it all the same
        }
        Throwable cause = ar.cause() instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null ? ce.getCause() : ar.cause();
        http.write(ctx, 503, new Responses.ErrorBody("events not stored, retry: " + cause.getMessage(), null, null));
        return;
      }
      try {
        live.observe(fresh, durable);
        http.metrics().ingested(fresh, duplicates, rejected, received);
        http.write(ctx, 200, new Ingested(fresh.size(), duplicates, rejected, null));
      } catch (RuntimeException e) {
        http.fail(ctx, e);
      }
    });
  }

  private static String policy(RoutingContext ctx) {
    List<String> values = ctx.queryParam("policy");
    if (values.isEmpty()) {
      return PER_LINE;
    }
    String p = values.get(0);
    if (values.size() > 1 || !(p.equals(PER_LINE) || p.equals(ALL_OR_NOTHING))) {
      throw RequestException.badParameter("policy", String.join(",", values), "policy must be " + PER_LINE + " or " + ALL_OR_NOTHING);
    }
    return p;
  }
}
