package dev.funnel.server;

import dev.funnel.recall.ModelRecommender;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters and latency histograms in the Prometheus text exposition format (version 0.0.4).
 * Recording is a few {@link LongAdder} increments: no locks, no allocation once a (route, status)
 * pair has been seen. Routes are the fixed route names, never raw paths, so label cardinality stays
 * bounded whatever clients send.
 */
final class ServerMetrics {
  /** Histogram upper bounds in seconds: 100 µs to 10 s, roughly ×2.5 apart. */
  static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  private static final long[] BUCKET_NANOS = new long[BUCKETS.length];

  static {
    for (int b = 0; b < BUCKETS.length; b++) {
      BUCKET_NANOS[b] = Math.round(BUCKETS[b] * 1e9);
    }
  }

  private final ConcurrentMap<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Latency> latencies = new ConcurrentHashMap<>();
  private final LongAdder exceptions = new LongAdder();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private volatile java.util.function.Supplier<java.util.List<ModelVersionGauge>> versions = java.util.List::of;

  /** A model's serving version (0: the seed file), when it was created (epoch ms) and how many swaps it has seen. */
  record ModelVersionGauge(String model, long version, long createdAtMillis, long swaps) {}

  /** Live mode: where the model version gauges come from. */
  void modelVersions(java.util.function.Supplier<java.util.List<ModelVersionGauge>> source) {
    versions = source;
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

  void record(String route, int status, long nanos) {
    requests.computeIfAbsent(route + '\u0000' + status, key -> new LongAdder()).increment();
    latencies.computeIfAbsent(route, key -> new Latency()).record(nanos);
  }

  /** An unexpected exception while serving (the request is also counted with status 500). */
  void exception() {
    exceptions.increment();
  }

  long requests(String route, int status) {
    LongAdder a = requests.get(route + '\u0000' + status);
    return a == null ? 0 : a.sum();
  }

  String render(Map<String, ModelRecommender> models) {
    StringBuilder sb = new StringBuilder(4096);
    sb.append("# HELP funnel_http_requests_total HTTP requests served, by route and status.\n");
    sb.append("# TYPE funnel_http_requests_total counter\n");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
      int sep = e.getKey().indexOf('\u0000');
      sb.append("funnel_http_requests_total{route=\"").append(e.getKey(), 0, sep).append("\",status=\"")
          .append(e.getKey(), sep + 1, e.getKey().length()).append("\"} ").append(e.getValue().sum()).append('\n');
    }
    sb.append("# HELP funnel_http_request_duration_seconds Time from request routing to response written, by route.\n");
    sb.append("# TYPE funnel_http_request_duration_seconds histogram\n");
    for (Map.Entry<String, Latency> e : new TreeMap<>(latencies).entrySet()) {
      String route = e.getKey();
      Latency l = e.getValue();
      long count = l.count.sum();
      long cumulative = 0;
      for (int b = 0; b < BUCKETS.length; b++) {
        cumulative += l.buckets[b].sum();
        sb.append("funnel_http_request_duration_seconds_bucket{route=\"").append(route).append("\",le=\"")
            .append(format(BUCKETS[b])).append("\"} ").append(Math.min(cumulative, count)).append('\n');
      }
      sb.append("funnel_http_request_duration_seconds_bucket{route=\"").append(route).append("\",le=\"+Inf\"} ").append(count).append('\n');
      sb.append("funnel_http_request_duration_seconds_sum{route=\"").append(route).append("\"} ")
          .append(format(l.sumNanos.sum() / 1e9)).append('\n');
      sb.append("funnel_http_request_duration_seconds_count{route=\"").append(route).append("\"} ").append(count).append('\n');
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
    return sb.toString();
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
