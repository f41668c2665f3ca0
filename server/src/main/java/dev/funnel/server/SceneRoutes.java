package dev.funnel.server;

import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.Pipeline;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResult;
import dev.funnel.pipeline.SceneBuilder;
import dev.funnel.pipeline.SceneException;
import dev.funnel.pipeline.Stages;
import dev.funnel.pipeline.Trace;
import dev.funnel.pipeline.attribution.Attribution;
import dev.funnel.pipeline.experiment.Experiment;
import dev.funnel.pipeline.experiment.ProportionTest;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenes over HTTP (live mode): {@code GET /v1/recommend?scene=NAME&user=U&k=20} (and {@code item=I}
 * for item pages, {@code offset}, {@code exclude}, {@code allow}, {@code debug=true} for the trace)
 * runs the scene's pipeline; without {@code scene} the request falls through to the plain model route,
 * unchanged. {@code GET /v1/scenes} lists the scenes, {@code POST /v1/scenes/reload} re-reads the
 * scene files (all or nothing: a bad file leaves the serving scenes in place and answers 400 naming
 * file, key and value). Scenes are the YAML files of the data directory's {@code scenes} folder,
 * validated at start: a bad one fails start-up.
 */
final class SceneRoutes implements AutoCloseable {
  static final String SCENES = "/v1/scenes";
  static final String RELOAD = "/v1/scenes/reload";
  /** The metrics route name of scene requests. */
  static final String ROUTE = HttpRoutes.RECOMMEND + "?scene";
  static final int MAX_OFFSET = 10_000;
  static final String STATS_CHANNELS = "/v1/stats/channels";
  static final String EXPERIMENTS = "/v1/experiments/:name";
  /** Responses remembered for attribution, and for how long (system properties override both). */
  static final int ATTRIBUTION_REQUESTS = Integer.getInteger("funnel.attribution.requests", 50_000);
  static final long ATTRIBUTION_TTL_MS = Long.getLong("funnel.attribution.ttl_ms", 15 * 60_000L);

  private final HttpRoutes http;
  private final LiveService live;
  private final Path dir;
  private final ExecutorService channels;
  private final SceneBuilder builder;
  private volatile Map<String, Pipeline> scenes;
  private volatile Map<String, Experiment> experiments;
  /** Joins impression and click events back to the responses (request_id) that showed the items. */
  private final Attribution attribution;
  /** Per scene: requests served, and per channel how many responses it was left out of (kept across reloads). */
  private final Map<String, java.util.concurrent.atomic.LongAdder> served = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.LongAdder> degraded = new java.util.concurrent.ConcurrentHashMap<>();

  /** Loads the scenes now; a bad scene file fails here, naming file, key and value. */
  SceneRoutes(LiveService live, HttpRoutes http) {
    this.http = http;
    this.live = live;
    this.dir = live.directory().scenesDir();
    // Channels block (model scoring, catalog reads): a pool of their own, so a slow channel never takes the scoring pool.
    int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    AtomicInteger count = new AtomicInteger();
    this.channels = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "funnel-channel-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.builder = new SceneBuilder(Stages.installed(), new LiveResources(live), channels);
    try {
      this.scenes = SceneFiles.load(dir, builder);
      this.experiments = SceneFiles.loadExperiments(dir, builder, scenes.keySet());
    } catch (RuntimeException e) {
      channels.shutdownNow();
      throw e;
    }
    warmUp(scenes);
    warmUpExperiments(experiments);
    this.attribution = new Attribution(ATTRIBUTION_REQUESTS, ATTRIBUTION_TTL_MS, System::currentTimeMillis);
    live.onObserved(this::attribute);
  }

  private void warmUpExperiments(Map<String, Experiment> loaded) {
    for (Experiment e : loaded.values()) {
      Map<String, Pipeline> variants = new LinkedHashMap<>();
      for (int v = 0; v < e.variants().size(); v++) {
        variants.put(e.variants().get(v), e.pipeline(v));
      }
      warmUp(variants);
    }
  }

  /** An impression or click event with a request_id: counted for the response's channels, position and variant. */
  private void attribute(dev.funnel.store.Event e) {
    if (e.requestId() == null) {
      return;
    }
    if (e.type().equals("impression")) {
      attribution.event(e.requestId(), e.item(), false);
    } else if (e.type().equals("click")) {
      attribution.event(e.requestId(), e.item(), true);
    }
  }

  Attribution attribution() {
    return attribution;
  }

  /**
   * One request per scene before the first real one: class loading and the channel threads' start
   * otherwise cost the first requests more than a channel's timeout (measured: every channel of the
   * first ml-100k request timed out at 50 ms). A user id no one has, so no state is touched.
   */
  private void warmUp(Map<String, Pipeline> loaded) {
    ((ThreadPoolExecutor) channels).prestartAllCoreThreads();
    for (Pipeline p : loaded.values()) {
      try {
        p.run(new PipelineRequest("\u0000funnel-warm-up", null, 10, 0, List.of(), null, true, live.now()));
      } catch (RuntimeException e) {
        // A stage failing on an unknown user is a bug the first real request reports; start-up goes on.
      }
    }
  }

  Map<String, Pipeline> scenes() {
    return scenes;
  }

  void register(Router router) {
    router.get(HttpRoutes.RECOMMEND).handler(ctx -> {
      if (ctx.queryParam("scene").isEmpty()) {
        ctx.next();
        return;
      }
      if (!http.scoresOnEventLoop()) {
        http.serve(ctx, ROUTE, () -> parse(ctx));
        return;
      }
      // A scene waits for its channels: never on the event loop, even when models score there.
      ctx.put(HttpRoutes.ROUTE_KEY, ROUTE);
      java.util.function.Supplier<Object> work;
      try {
        work = parse(ctx);
      } catch (RuntimeException e) {
        http.fail(ctx, e);
        return;
      }
      ctx.vertx().executeBlocking(work::get, false).onComplete(ar -> {
        if (ar.succeeded()) {
          http.write(ctx, 200, ar.result());
        } else {
          http.fail(ctx, ar.cause());
        }
      });
    });
    router.get(STATS_CHANNELS).handler(ctx -> http.serve(ctx, STATS_CHANNELS, () -> this::channelStats));
    router.get(EXPERIMENTS).handler(ctx -> http.serve(ctx, EXPERIMENTS, () -> {
      String name = ctx.pathParam("name");
      Experiment found = null;
      for (Experiment e : experiments.values()) {
        if (e.name().equals(name)) {
          found = e;
        }
      }
      if (found == null) {
        throw new RequestException(404, "unknown experiment '" + name + "'; experiments: "
            + experiments.values().stream().map(Experiment::name).sorted().toList(), "name", name);
      }
      Experiment exp = found;
      return () -> experimentReport(exp);
    }));
    router.get(SCENES).handler(ctx -> http.serve(ctx, SCENES, () -> {
      Map<String, Pipeline> now = scenes;
      Map<String, Experiment> exps = experiments;
      return () -> Map.of("folder", dir.toString(), "scenes", describe(now), "experiments", describeExperiments(exps));
    }));
    router.post(RELOAD).handler(ctx -> {
      ctx.put(HttpRoutes.ROUTE_KEY, RELOAD);
      ctx.vertx().executeBlocking(this::reload, false).onComplete(ar -> {
        if (ar.succeeded()) {
          http.write(ctx, 200, ar.result());
        } else if (ar.cause() instanceof SceneException e) {
          http.write(ctx, 400, new Responses.ErrorBody("scenes not reloaded (the previous ones serve): " + e.getMessage(), e.key(), e.value()));
        } else {
          http.fail(ctx, ar.cause());
        }
      });
    });
  }

  /** Re-reads every scene file; the new set replaces the old only if all of them build. */
  Map<String, Object> reload() {
    Map<String, Pipeline> fresh = SceneFiles.load(dir, builder);
    Map<String, Experiment> freshExperiments = SceneFiles.loadExperiments(dir, builder, fresh.keySet());
    warmUp(fresh);
    warmUpExperiments(freshExperiments);
    scenes = fresh;
    experiments = freshExperiments;
    List<String> names = new ArrayList<>(fresh.keySet());
    names.addAll(freshExperiments.keySet());
    return Map.of("reloaded", true, "scenes", names);
  }

  private java.util.function.Supplier<Object> parse(RoutingContext ctx) {
    String name = HttpRoutes.single(ctx, "scene");
    Map<String, Pipeline> now = scenes;
    Pipeline found = now.get(name);
    Experiment exp = found == null ? experiments.get(name) : null;
    if (found == null && exp == null) {
      java.util.TreeSet<String> all = new java.util.TreeSet<>(now.keySet());
      all.addAll(experiments.keySet());
      throw RequestException.badParameter("scene", name, "unknown scene '" + name + "'; scenes: "
          + (all.isEmpty() ? "none (put YAML files in " + dir + ")" : String.join(", ", all)));
    }
    String user = optionalId(ctx, "user");
    String item = optionalId(ctx, "item");
    int variant = exp == null ? -1 : exp.variantOf(user != null ? user : item);
    Pipeline p = exp == null ? found : exp.pipeline(variant);
    if (user == null && item == null) {
      throw RequestException.badParameter("user", null, "a scene request needs 'user', 'item' or both");
    }
    int k = http.k(ctx);
    int offset = offset(ctx);
    List<String> exclude = HttpRoutes.list(ctx, "exclude");
    List<String> allow = HttpRoutes.list(ctx, "allow");
    if (allow.isEmpty()) {
      allow = null; // absent or blank: no allow-list (an empty one would hide everything)
    }
    boolean debug = debug(ctx);
    PipelineRequest request = new PipelineRequest(user, item, k, offset, exclude, allow, debug, live.now());
    String requestId = requestId();
    return () -> {
      PipelineResult result = p.run(request);
      served.computeIfAbsent(p.name(), x -> new java.util.concurrent.atomic.LongAdder()).increment();
      for (PipelineResult.Degraded d : result.degraded()) {
        degraded.computeIfAbsent(p.name() + "/" + d.channel(), x -> new java.util.concurrent.atomic.LongAdder()).increment();
      }
      attribution.shown(requestId, p.name(), exp == null ? null : exp.name(), exp == null ? null : exp.variants().get(variant),
          request.offset(), result.items());
      SceneResponse r = response(requestId, request, result);
      return exp == null ? r : new SceneResponse(r.request_id(), exp.scene(), r.user(), r.item(), r.offset(), r.ranking(), r.items(),
          r.degraded(), r.trace(), exp.name(), exp.variants().get(variant));
    };
  }

  private static String optionalId(RoutingContext ctx, String name) {
    String v = HttpRoutes.single(ctx, name);
    if (v == null) {
      return null;
    }
    if (v.isEmpty()) {
      throw RequestException.badParameter(name, v, "parameter '" + name + "' must not be empty");
    }
    return HttpRoutes.checkId(name, v);
  }

  private static int offset(RoutingContext ctx) {
    String raw = HttpRoutes.single(ctx, "offset");
    if (raw == null) {
      return 0;
    }
    try {
      int o = Integer.parseInt(raw.trim());
      if (o >= 0 && o <= MAX_OFFSET) {
        return o;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw RequestException.badParameter("offset", raw, "offset must be an integer in [0, " + MAX_OFFSET + "]; offset=" + raw);
  }

  private static boolean debug(RoutingContext ctx) {
    String raw = HttpRoutes.single(ctx, "debug");
    if (raw == null || raw.equals("false")) {
      return false;
    }
    if (raw.equals("true")) {
      return true;
    }
    throw RequestException.badParameter("debug", raw, "debug must be true or false; debug=" + raw);
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

  /** 128 random bits as 32 hex digits: unique enough to join impressions and clicks back to the response. */
  static String requestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    byte[] hex = new byte[32]; // as String.format("%016x%016x"), without a Formatter per request
    long hi = r.nextLong();
    long lo = r.nextLong();
    for (int i = 15; i >= 0; i--) {
      hex[i] = HEX[(int) (hi & 15)];
      hex[16 + i] = HEX[(int) (lo & 15)];
      hi >>>= 4;
      lo >>>= 4;
    }
    return new String(hex, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static SceneResponse response(String requestId, PipelineRequest req, PipelineResult r) {
    List<SceneItem> items = new ArrayList<>(r.items().size());
    for (Candidate c : r.items()) {
      items.add(c.isAd() ? new SceneItem(c.item(), c.score(), java.util.Arrays.asList(c.channelNames()), c.pctr(), c.bid(), c.ecpm())
          : new SceneItem(c.item(), c.score(), java.util.Arrays.asList(c.channelNames())));
    }
    return new SceneResponse(requestId, r.scene(), req.user(), req.item(), req.offset(), r.ranking(), items, r.degraded(), r.trace(), null, null);
  }

  private List<Map<String, Object>> describe(Map<String, Pipeline> scenes) {
    List<Map<String, Object>> out = new ArrayList<>();
    scenes.forEach((name, p) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      var n = served.get(name);
      m.put("requests", n == null ? 0L : n.sum());
      m.put("budget", p.budget());
      m.put("over_fetch", p.overFetch());
      List<Map<String, Object>> cs = new ArrayList<>();
      int[] quotas = p.effectiveQuotas();
      for (int c = 0; c < p.channels().size(); c++) {
        Pipeline.ChannelSlot s = p.channels().get(c);
        var left = degraded.get(name + "/" + s.channel().name());
        cs.add(Map.of("name", s.channel().name(), "quota", s.quota(), "effective_quota", quotas[c], "timeout_ms", s.timeoutMillis(),
            "degraded_responses", left == null ? 0L : left.sum()));
      }
      m.put("channels", cs);
      m.put("filters", p.filters().stream().map(dev.funnel.pipeline.Filter::name).toList());
      m.put("ranking", p.ranking());
      if (p.prerank() != null) {
        m.put("prerank", Map.of("ranking", p.prerank().ranker().description(), "keep", p.prerank().keep()));
      }
      if (p.ads() != null) {
        m.put("ads", Map.of("bid", p.ads().attribute()));
      }
      m.put("rerank", p.rerankers().stream().map(dev.funnel.pipeline.Reranker::name).toList());
      out.add(m);
    });
    return out;
  }

  /**
   * One item of a scene's page: its score (rank or fusion; in ads mode the eCPM) and the channels that
   * proposed it; in ads mode also its {@code pctr}, {@code bid} and {@code ecpm} (absent otherwise).
   */
  record SceneItem(String item, float score, List<String> channels,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Float pctr,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Double bid,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Double ecpm) {
    SceneItem(String item, float score, List<String> channels) {
      this(item, score, channels, null, null, null);
    }
  }

  /**
   * {@code GET /v1/recommend?scene=...}: {@code degraded} names the channels left out (timeout or
   * failure); {@code trace} only with {@code debug=true}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SceneResponse(String request_id, String scene, String user, String item, int offset, String ranking, List<SceneItem> items,
      List<PipelineResult.Degraded> degraded, Trace trace, String experiment, String variant) {}

  /** {@code GET /v1/stats/channels}: per scene, each channel's and each position's impressions, clicks and CTR. */
  private Map<String, Object> channelStats() {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Map<String, Attribution.Counts>> byChannel = attribution.channels();
    Map<String, Map<Integer, Attribution.Counts>> byPosition = attribution.positions();
    List<Map<String, Object>> rows = new ArrayList<>();
    java.util.TreeSet<String> sceneNames = new java.util.TreeSet<>(byChannel.keySet());
    sceneNames.addAll(byPosition.keySet());
    for (String scene : sceneNames) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scene", scene);
      List<Map<String, Object>> cs = new ArrayList<>();
      byChannel.getOrDefault(scene, Map.of()).forEach((ch, c) -> cs.add(row("channel", ch, c)));
      m.put("channels", cs);
      List<Map<String, Object>> ps = new ArrayList<>();
      byPosition.getOrDefault(scene, Map.of()).forEach((pos, c) -> ps.add(row("position", pos, c)));
      m.put("positions", ps);
      rows.add(m);
    }
    out.put("scenes", rows);
    out.put("remembered_requests", attribution.remembered());
    out.put("max_requests", ATTRIBUTION_REQUESTS);
    out.put("ttl_ms", ATTRIBUTION_TTL_MS);
    Map<String, Long> events = new LinkedHashMap<>();
    for (Attribution.Outcome o : Attribution.Outcome.values()) {
      events.put(o.name().toLowerCase(java.util.Locale.ROOT), attribution.outcomes(o));
    }
    out.put("events", events);
    return out;
  }

  private static Map<String, Object> row(String keyName, Object key, Attribution.Counts c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(keyName, key);
    m.put("impressions", c.impressions());
    m.put("clicks", c.clicks());
    m.put("ctr", c.ctr());
    return m;
  }

  /** {@code GET /v1/experiments/NAME}: each variant's counts and CTR, and a z-test of each against the first (the control). */
  private Map<String, Object> experimentReport(Experiment exp) {
    Map<String, Attribution.Counts> counts = attribution.variants(exp.name());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("experiment", exp.name());
    out.put("scene", exp.scene());
    out.put("control", exp.variants().get(0));
    out.put("test", "two-proportion z-test (pooled), two-sided, against the control");
    Attribution.Counts control = counts.getOrDefault(exp.variants().get(0), new Attribution.Counts(0, 0));
    List<Map<String, Object>> vs = new ArrayList<>();
    for (int v = 0; v < exp.variants().size(); v++) {
      String name = exp.variants().get(v);
      Attribution.Counts c = counts.getOrDefault(name, new Attribution.Counts(0, 0));
      Map<String, Object> m = row("variant", name, c);
      m.put("split", exp.share(v));
      if (v > 0) {
        ProportionTest.Result t = ProportionTest.twoSided(c.impressions(), c.clicks(), control.impressions(), control.clicks());
        m.put("z", Double.isNaN(t.z()) ? null : t.z());
        m.put("p_value", Double.isNaN(t.p()) ? null : t.p());
      }
      vs.add(m);
    }
    out.put("variants", vs);
    return out;
  }

  private List<Map<String, Object>> describeExperiments(Map<String, Experiment> exps) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Experiment e : exps.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scene", e.scene());
      m.put("experiment", e.name());
      List<Map<String, Object>> vs = new ArrayList<>();
      for (int v = 0; v < e.variants().size(); v++) {
        vs.add(Map.of("variant", e.variants().get(v), "split", e.share(v), "scene", e.pipeline(v).name()));
      }
      m.put("variants", vs);
      out.add(m);
    }
    return out;
  }

  /** A Prometheus label value: backslash, quote and newline escaped. */
  private static String label(Object v) {
    return String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** Prometheus lines: impressions and clicks per scene channel and per position (appended to /metrics). */
  String metricsText() {
    StringBuilder sb = new StringBuilder(1024);
    Map<String, Map<String, Attribution.Counts>> byChannel = attribution.channels();
    Map<String, Map<Integer, Attribution.Counts>> byPosition = attribution.positions();
    sb.append("# HELP funnel_channel_impressions_total Impressions of items a scene channel proposed (events joined by request_id).\n");
    sb.append("# TYPE funnel_channel_impressions_total counter\n");
    byChannel.forEach((scene, m) -> m.forEach((ch, c) -> sb.append("funnel_channel_impressions_total{scene=\"").append(label(scene))
        .append("\",channel=\"").append(label(ch)).append("\"} ").append(c.impressions()).append('\n')));
    sb.append("# HELP funnel_channel_clicks_total Clicks on items a scene channel proposed.\n");
    sb.append("# TYPE funnel_channel_clicks_total counter\n");
    byChannel.forEach((scene, m) -> m.forEach((ch, c) -> sb.append("funnel_channel_clicks_total{scene=\"").append(label(scene))
        .append("\",channel=\"").append(label(ch)).append("\"} ").append(c.clicks()).append('\n')));
    sb.append("# HELP funnel_position_impressions_total Impressions per 0-based position (" + Attribution.POSITIONS + ": that or deeper).\n");
    sb.append("# TYPE funnel_position_impressions_total counter\n");
    byPosition.forEach((scene, m) -> m.forEach((pos, c) -> sb.append("funnel_position_impressions_total{scene=\"").append(label(scene))
        .append("\",position=\"").append(pos).append("\"} ").append(c.impressions()).append('\n')));
    sb.append("# HELP funnel_position_clicks_total Clicks per 0-based position.\n");
    sb.append("# TYPE funnel_position_clicks_total counter\n");
    byPosition.forEach((scene, m) -> m.forEach((pos, c) -> sb.append("funnel_position_clicks_total{scene=\"").append(label(scene))
        .append("\",position=\"").append(pos).append("\"} ").append(c.clicks()).append('\n')));
    sb.append("# HELP funnel_attribution_requests Responses remembered for attribution (bounded).\n");
    sb.append("# TYPE funnel_attribution_requests gauge\n");
    sb.append("funnel_attribution_requests ").append(attribution.remembered()).append('\n');
    return sb.toString();
  }

  @Override
  public void close() {
    channels.shutdownNow();
  }
}
