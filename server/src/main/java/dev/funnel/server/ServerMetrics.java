package dev.funnel.server;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.recall.ModelRecommender;

import dev.funnel.store.Event;
import dev.funnel.store.log.EventLog;
import dev.funnel.store.log.LogStats;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters and latency histograms in the Prometheus text exposition format (version 0.0.4).
 * Recording is a few {@link LongAdder} increments: no locks, no allocation once a (route, status)
 * pair has been seen. Routes are the fixed route names, never raw paths, so label cardinality stays
 * bounded whatever clients send.
 *
 * <p>Live server series: events accepted by type, rejected by field, duplicates; the freshness lag
 * ({@code funnel_event_apply_lag_seconds}: body received -> durable and applied, so a following
 * recommend sees it); the event log's fsync latency histogram (recorded allocation-free by the log's
 * writer thread, {@link EventLog#fsyncHistogram}), group commits, events and bytes. Every label set
 * is bounded: route templates x status codes, configured event types, known event fields.
 */
final class ServerMetrics {
  /** Histogram upper bounds in seconds: 100 µs to 10 s, roughly ×2.5 apart. */
  static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  private static final long[] BUCKET_NANOS = new long[BUCKETS.length];
  private static final long[] FSYNC_BOUNDS = EventLog.fsyncBucketBoundsNanos();

  static {
    for (int b = 0; b < BUCKETS.length; b++) {
      BUCKET_NANOS[b] = Math.round(BUCKETS[b] * 1e9);
    }
  }

  /** Route name -> its counters; route names are the fixed route templates, so this stays small. */
  private final ConcurrentMap<String, RouteStats> routes = new ConcurrentHashMap<>();
  private final LongAdder exceptions = new LongAdder();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private volatile java.util.function.Supplier<java.util.List<ModelVersionGauge>> versions = java.util.List::of;

  /** A model's serving version (0: the seed file), when it was created (epoch ms) and how many swaps it has seen. */
  record ModelVersionGauge(String model, long version, long createdAtMillis, long swaps) {}

  /** Live mode: where the model version gauges come from. */
  void modelVersions(java.util.function.Supplier<java.util.List<ModelVersionGauge>> source) {
    versions = source;
  }

  // Ingest (live server only). Types are the configured event types (an unknown type is rejected
  // before it is counted), rejection fields the known event fields plus "line" and "other": bounded.
  private final ConcurrentMap<String, LongAdder> acceptedByType = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> rejectedByField = new ConcurrentHashMap<>();
  private final LongAdder duplicates = new LongAdder();
  /** Receipt of a {@code POST /v1/events} body -> its events applied to the online state (after fsync). */
  private final Latency applyLag = new Latency();

  /** Per route: requests by exact status (100-599) and latency by status class (1xx-5xx), created on first use. */
  private static final class RouteStats {
    final AtomicReferenceArray<LongAdder> byStatus = new AtomicReferenceArray<>(500);
    final AtomicReferenceArray<Latency> byClass = new AtomicReferenceArray<>(5);
  }

  /** Per-route latency: a count per bucket (non-cumulative; summed when rendered), total and sum. */
  private static final class Latency {
    final LongAdder[] buckets = new LongAdder[BUCKETS.length];
    final LongAdder count = new LongAdder();
    final LongAdder sumNanos = new LongAdder();

    Latency() {
      for (int b = 0; b < buckets.length; b++) {
        buckets[b] = new LongAdder();
      }
    }

    void record(long nanos) {
      for (int b = 0; b < BUCKET_NANOS.length; b++) {
        if (nanos <= BUCKET_NANOS[b]) {
          buckets[b].increment();
          break;
        }
      }
      count.increment();
      sumNanos.add(nanos);
    }
  }

  /** Counts and times one response; allocation-free once the (route, status) pair has been seen. */
  void record(String route, int status, long nanos) {
    RouteStats r = routes.get(route);
    if (r == null) {
      r = routes.computeIfAbsent(route, key -> new RouteStats());
    }
    int s = status < 100 || status > 599 ? 599 : status;
    LongAdder count = r.byStatus.get(s - 100);
    if (count == null) {
      r.byStatus.compareAndSet(s - 100, null, new LongAdder());
      count = r.byStatus.get(s - 100);
    }
    count.increment();
    int cls = s / 100 - 1;
    Latency l = r.byClass.get(cls);
    if (l == null) {
      r.byClass.compareAndSet(cls, null, new Latency());
      l = r.byClass.get(cls);
    }
    l.record(nanos);
  }

  /**
   * One {@code POST /v1/events} answered 200: the accepted events by type, the duplicates, the rejected
   * lines by field, and the time from receipt to the events being applied to the online state.
   */
  void ingested(List<Event> accepted, int duplicateCount, List<EventLines.Rejected> rejected, long receivedNanos) {
    for (int i = 0; i < accepted.size(); i++) {
      counter(acceptedByType, accepted.get(i).type()).increment();
    }
    duplicates.add(duplicateCount);
    rejected(rejected);
    if (!accepted.isEmpty()) {
      applyLag.record(System.nanoTime() - receivedNanos);
    }
  }

  /** Rejected lines of a request that stored nothing (400) or that was refused whole. */
  void rejected(List<EventLines.Rejected> rejected) {
    for (int i = 0; i < rejected.size(); i++) {
      String field = rejected.get(i).field();
      counter(rejectedByField, field == null ? "line" : EventLines.FIELDS.contains(field) ? field : "other").increment();
    }
  }

  private static LongAdder counter(ConcurrentMap<String, LongAdder> map, String key) {
    LongAdder a = map.get(key);
    return a != null ? a : map.computeIfAbsent(key, k -> new LongAdder());
  }

  /** An unexpected exception while serving (the request is also counted with status 500). */
  void exception() {
    exceptions.increment();
  }

  long requests(String route, int status) {
    RouteStats r = routes.get(route);
    LongAdder a = r == null || status < 100 || status > 599 ? null : r.byStatus.get(status - 100);
    return a == null ? 0 : a.sum();
  }

  String render(Map<String, ModelRecommender> models) {
    return render(models, null, -1);
  }

  /**
   * The exposition text; {@code live} adds the ingest, log and online-state series (null: models-only
   * server); {@code rateLimitedClients} the rate limiter's table size (-1: no limiter).
   */
  String render(Map<String, ModelRecommender> models, LiveService live, int rateLimitedClients) {
    StringBuilder sb = new StringBuilder(8192);
    TreeMap<String, RouteStats> sorted = new TreeMap<>(routes);
    sb.append("# HELP funnel_http_requests_total HTTP requests served, by route template and status.\n");
    sb.append("# TYPE funnel_http_requests_total counter\n");
    for (Map.Entry<String, RouteStats> e : sorted.entrySet()) {
      for (int s = 0; s < 500; s++) {
        LongAdder a = e.getValue().byStatus.get(s);
        if (a != null) {
          sb.append("funnel_http_requests_total{route=\"").append(escape(e.getKey())).append("\",status=\"").append(s + 100).append("\"} ")
              .append(a.sum()).append('\n');
        }
      }
    }
    sb.append("# HELP funnel_http_request_duration_seconds Time from request routing to response written, by route template and status class.\n");
    sb.append("# TYPE funnel_http_request_duration_seconds histogram\n");
    for (Map.Entry<String, RouteStats> e : sorted.entrySet()) {
      for (int c = 0; c < 5; c++) {
        Latency l = e.getValue().byClass.get(c);
        if (l != null) {
          histogram(sb, "funnel_http_request_duration_seconds", "route=\"" + escape(e.getKey()) + "\",status_class=\"" + (c + 1) + "xx\",", l);
        }
      }
    }
    sb.append("# HELP funnel_http_exceptions_total Unexpected exceptions while serving (answered with 500).\n");
    sb.append("# TYPE funnel_http_exceptions_total counter\n");
    sb.append("funnel_http_exceptions_total ").append(exceptions.sum()).append('\n');
    sb.append("# HELP funnel_models_loaded Models being served.\n");
    sb.append("# TYPE funnel_models_loaded gauge\n");
    sb.append("funnel_models_loaded ").append(models.size()).append('\n');
    sb.append("# HELP funnel_model_items Items known to each model.\n");
    sb.append("# TYPE funnel_model_items gauge\n");
    for (ModelRecommender m : models.values()) {
      sb.append("funnel_model_items{model=\"").append(escape(m.name())).append("\"} ").append(m.saved().items().size()).append('\n');
    }
    sb.append("# HELP funnel_model_users Users known to each model.\n");
    sb.append("# TYPE funnel_model_users gauge\n");
    for (ModelRecommender m : models.values()) {
      sb.append("funnel_model_users{model=\"").append(escape(m.name())).append("\"} ").append(m.saved().users().size()).append('\n');
    }
    java.util.List<ModelVersionGauge> gauges = versions.get();
    if (!gauges.isEmpty()) {
      long now = System.currentTimeMillis();
      sb.append("# HELP funnel_model_version Serving version of each model (0: the seed model file).\n");
      sb.append("# TYPE funnel_model_version gauge\n");
      for (ModelVersionGauge g : gauges) {
        sb.append("funnel_model_version{model=\"").append(escape(g.model())).append("\"} ").append(g.version()).append('\n');
      }
      sb.append("# HELP funnel_model_age_seconds Age of each model's serving version.\n");
      sb.append("# TYPE funnel_model_age_seconds gauge\n");
      for (ModelVersionGauge g : gauges) {
        sb.append("funnel_model_age_seconds{model=\"").append(escape(g.model())).append("\"} ")
            .append(format(Math.max(0, now - g.createdAtMillis()) / 1000.0)).append('\n');
      }
      sb.append("# HELP funnel_model_swaps_total Hot swaps of each model since start (promotions and rollbacks).\n");
      sb.append("# TYPE funnel_model_swaps_total counter\n");
      for (ModelVersionGauge g : gauges) {
        sb.append("funnel_model_swaps_total{model=\"").append(escape(g.model())).append("\"} ").append(g.swaps()).append('\n');
      }
    }
    sb.append("# HELP funnel_jvm_heap_used_bytes JVM heap in use.\n");
    sb.append("# TYPE funnel_jvm_heap_used_bytes gauge\n");
    sb.append("funnel_jvm_heap_used_bytes ").append(memory.getHeapMemoryUsage().getUsed()).append('\n');
    if (rateLimitedClients >= 0) {
      sb.append("# HELP funnel_rate_limiter_clients Clients holding a rate-limit bucket (bounded: idle ones are dropped past 10,000).\n");
      sb.append("# TYPE funnel_rate_limiter_clients gauge\n");
      sb.append("funnel_rate_limiter_clients ").append(rateLimitedClients).append('\n');
    }
    if (live != null) {
      renderLive(sb, live);
    }
    return sb.toString();
  }

  private void renderLive(StringBuilder sb, LiveService live) {
    sb.append("# HELP funnel_events_accepted_total Events stored durably by POST /v1/events, by type.\n");
    sb.append("# TYPE funnel_events_accepted_total counter\n");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(acceptedByType).entrySet()) {
      sb.append("funnel_events_accepted_total{type=\"").append(escape(e.getKey())).append("\"} ").append(e.getValue().sum()).append('\n');
    }
    sb.append("# HELP funnel_events_rejected_total Event lines refused, by the field at fault (line: malformed JSON; other: an unknown field).\n");
    sb.append("# TYPE funnel_events_rejected_total counter\n");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(rejectedByField).entrySet()) {
      sb.append("funnel_events_rejected_total{field=\"").append(escape(e.getKey())).append("\"} ").append(e.getValue().sum()).append('\n');
    }
    sb.append("# HELP funnel_events_duplicate_total Events whose id was already stored within the idempotency window (not stored again).\n");
    sb.append("# TYPE funnel_events_duplicate_total counter\n");
    sb.append("funnel_events_duplicate_total ").append(duplicates.sum()).append('\n');
    sb.append("# HELP funnel_event_apply_lag_seconds Freshness lag: request body received -> its events durable and applied to the online state.\n");
    sb.append("# TYPE funnel_event_apply_lag_seconds histogram\n");
    histogram(sb, "funnel_event_apply_lag_seconds", "", applyLag);
    sb.append("# HELP funnel_online_events_observed Events applied to the online state since start (log replay included).\n");
    sb.append("# TYPE funnel_online_events_observed gauge\n");
    sb.append("funnel_online_events_observed ").append(live.observedEvents()).append('\n');

    // The bounded in-memory state, so a soak can see each cache level off at its cap.
    sb.append("# HELP funnel_idempotency_ids Event ids remembered for de-duplication (cap: funnel_idempotency_ids_max).\n");
    sb.append("# TYPE funnel_idempotency_ids gauge\n");
    sb.append("funnel_idempotency_ids ").append(live.idempotencyIds()).append('\n');
    sb.append("# TYPE funnel_idempotency_ids_max gauge\n");
    sb.append("funnel_idempotency_ids_max ").append(live.config().idempotencyWindow()).append('\n');
    sb.append("# HELP funnel_online_users Users with online state (recent history, seen items), per model; LRU-evicted past funnel_online_users_max.\n");
    sb.append("# TYPE funnel_online_users gauge\n");
    for (Map.Entry<String, OnlineRecommender> e : live.recommenders().entrySet()) {
      sb.append("funnel_online_users{model=\"").append(escape(e.getKey())).append("\"} ").append(e.getValue().users().size()).append('\n');
    }
    sb.append("# TYPE funnel_online_users_max gauge\n");
    for (Map.Entry<String, OnlineRecommender> e : live.recommenders().entrySet()) {
      sb.append("funnel_online_users_max{model=\"").append(escape(e.getKey())).append("\"} ").append(e.getValue().users().config().maxUsers())
          .append('\n');
    }
    sb.append("# HELP funnel_online_items Items known to the online state (trained plus new), per model; capped by the maxItems setting.\n");
    sb.append("# TYPE funnel_online_items gauge\n");
    for (Map.Entry<String, OnlineRecommender> e : live.recommenders().entrySet()) {
      sb.append("funnel_online_items{model=\"").append(escape(e.getKey())).append("\"} ").append(e.getValue().items().size()).append('\n');
    }
    sb.append("# HELP funnel_online_memory_bytes Estimated heap held by the online state, per model.\n");
    sb.append("# TYPE funnel_online_memory_bytes gauge\n");
    for (Map.Entry<String, OnlineRecommender> e : live.recommenders().entrySet()) {
      sb.append("funnel_online_memory_bytes{model=\"").append(escape(e.getKey())).append("\"} ").append(e.getValue().memoryBytes()).append('\n');
    }

    EventLog log = live.log();
    LogStats stats = log.stats();
    long[] fsyncs = new long[FSYNC_BOUNDS.length + 1];
    log.fsyncHistogram(fsyncs);
    sb.append("# HELP funnel_log_fsync_seconds Event log fsync (fdatasync) latency, one per group commit or segment roll.\n");
    sb.append("# TYPE funnel_log_fsync_seconds histogram\n");
    long cumulative = 0;
    for (int b = 0; b < FSYNC_BOUNDS.length; b++) {
      cumulative += fsyncs[b];
      sb.append("funnel_log_fsync_seconds_bucket{le=\"").append(format(FSYNC_BOUNDS[b] / 1e9)).append("\"} ").append(cumulative)
          .append('\n');
    }
    cumulative += fsyncs[fsyncs.length - 1];
    sb.append("funnel_log_fsync_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
    sb.append("funnel_log_fsync_seconds_sum ").append(format(stats.fsyncNanos() / 1e9)).append('\n');
    sb.append("funnel_log_fsync_seconds_count ").append(cumulative).append('\n');
    sb.append("# HELP funnel_log_group_commits_total Event log write+fsync rounds (appends share them).\n");
    sb.append("# TYPE funnel_log_group_commits_total counter\n");
    sb.append("funnel_log_group_commits_total ").append(stats.groupCommits()).append('\n');
    sb.append("# HELP funnel_log_events_total Events made durable in the event log since start.\n");
    sb.append("# TYPE funnel_log_events_total counter\n");
    sb.append("funnel_log_events_total ").append(stats.events()).append('\n');
    sb.append("# HELP funnel_log_bytes_total Record bytes written to the event log since start.\n");
    sb.append("# TYPE funnel_log_bytes_total counter\n");
    sb.append("funnel_log_bytes_total ").append(stats.bytes()).append('\n');
    sb.append("# HELP funnel_log_preallocations_total Steps of zeros the idle log writer wrote and synced ahead of its records.\n");
    sb.append("# TYPE funnel_log_preallocations_total counter\n");
    sb.append("funnel_log_preallocations_total ").append(stats.preallocations()).append('\n');
    sb.append("# HELP funnel_log_last_sequence Sequence number of the newest durable event.\n");
    sb.append("# TYPE funnel_log_last_sequence gauge\n");
    sb.append("funnel_log_last_sequence ").append(log.lastSequence()).append('\n');
  }

  /** One histogram series: cumulative buckets, +Inf, sum and count; {@code labels} ends with a comma or is empty. */
  private static void histogram(StringBuilder sb, String name, String labels, Latency l) {
    long count = l.count.sum();
    long cumulative = 0;
    for (int b = 0; b < BUCKETS.length; b++) {
      cumulative += l.buckets[b].sum();
      sb.append(name).append("_bucket{").append(labels).append("le=\"").append(format(BUCKETS[b])).append("\"} ").append(Math.min(cumulative, count))
          .append('\n');
    }
    String plain = labels.isEmpty() ? "" : "{" + labels.substring(0, labels.length() - 1) + "}";
    sb.append(name).append("_bucket{").append(labels).append("le=\"+Inf\"} ").append(count).append('\n');
    sb.append(name).append("_sum").append(plain).append(' ').append(format(l.sumNanos.sum() / 1e9)).append('\n');
    sb.append(name).append("_count").append(plain).append(' ').append(count).append('\n');
  }

  private static String format(double v) {
    String s = String.format(Locale.ROOT, "%.9f", v);
    // Trim trailing zeros for readability: 0.000250000 -> 0.00025, 1.000000000 -> 1.0
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s + "0" : s;
  }

  /** Label values escape backslash, double quote and newline (the exposition format's rule). */
  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
