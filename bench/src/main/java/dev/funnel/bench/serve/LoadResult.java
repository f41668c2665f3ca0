package dev.funnel.bench.serve;

import java.util.Locale;

/**
 * What one measured load run saw. Latencies are corrected for coordinated omission: each is
 * measured from the time the request was scheduled to be sent, not from when it was sent.
 *
 * @param targetRate the requests per second asked for
 * @param requests measured requests (sent after the warm-up), completed or not
 * @param errors measured requests that failed, timed out, or got a non-2xx status
 * @param seconds the measured window: from the end of warm-up to the last measured completion
 * @param qps measured requests completed per second over that window
 */
public record LoadResult(double targetRate, long requests, long errors, double seconds, double qps, double p50Ms, double p90Ms,
    double p99Ms, double p999Ms, double maxMs) {
  /**
   * Puts the measured counts and latencies into a bench row under the names the presets report
   * ({@code requests, errors, qps, p50_ms, p90_ms, p99_ms, max_ms}), rounded to the microsecond.
   */
  public void putInto(java.util.Map<String, Object> row) {
    row.put("requests", requests);
    row.put("errors", errors);
    row.put("qps", round3(qps));
    row.put("p50_ms", round3(p50Ms));
    row.put("p90_ms", round3(p90Ms));
    row.put("p99_ms", round3(p99Ms));
    row.put("max_ms", round3(maxMs));
  }

  /** Rounds to three decimals (microseconds for milliseconds). */
  public static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** One line for logs and tables. */
  public String summary() {
    return String.format(Locale.ROOT,
        "rate=%.0f/s requests=%d errors=%d qps=%.1f p50=%.3fms p90=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms",
        targetRate, requests, errors, qps, p50Ms, p90Ms, p99Ms, p999Ms, maxMs);
  }
}
