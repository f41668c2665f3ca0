package dev.funnel.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one evaluation run.
 *
 * @param protocol {@code "full-sort"} (every item ranked, the user's training items excluded) or
 *     {@code "sampled-N"} (each held-out item ranked against N sampled negatives); numbers of the two
 *     protocols are not comparable
 * @param metrics metric key to value, in insertion order. Full sort: for each K ascending {@code
 *     recall@K, ndcg@K, precision@K, hitrate@K, mrr@K, map@K, coverage@K, popularity@K} (see {@link
 *     Metric}). Sampled: for each K ascending {@code hitrate@K, ndcg@K, mrr@K}, then {@code mrr}
 *     (no cutoff)
 * @param usersEvaluated users with at least one test item
 * @param usersSkipped users with no test item (not part of any average)
 * @param seconds wall-clock time of the run
 */
public record EvalResult(String protocol, Map<String, Double> metrics, int usersEvaluated, int usersSkipped, double seconds) {
  public EvalResult {
    if (protocol == null || protocol.isEmpty()) {
      throw new IllegalArgumentException("protocol must be non-empty; protocol=" + protocol);
    }
    if (usersEvaluated < 0 || usersSkipped < 0) {
      throw new IllegalArgumentException("user counts must be >= 0; usersEvaluated=" + usersEvaluated + ", usersSkipped=" + usersSkipped);
    }
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** The value under {@code key}; throws naming the available keys if there is none. */
  public double metric(String key) {
    Double v = metrics.get(key);
    if (v == null) {
      throw new IllegalArgumentException("no metric '" + key + "' in " + protocol + " result; available: " + metrics.keySet());
    }
    return v;
  }
}
