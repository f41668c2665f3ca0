package dev.funnel.pipeline;

import java.util.List;

/**
 * A scene's answer to one request.
 *
 * @param scene the scene's name
 * @param items the page: at most k candidates, best first, with channels and scores
 * @param ranking how the final order was scored ({@link Ranker#description()}), e.g. {@code fusion:rrf}
 * @param degraded channels that timed out or failed for this request (empty when none)
 * @param trace the trace, or null unless the request asked for it
 */
public record PipelineResult(String scene, List<Candidate> items, String ranking, List<Degraded> degraded, Trace trace) {
  /** A channel left out of this response, and why ({@code timeout after 50 ms}, {@code failed: ...}). */
  public record Degraded(String channel, String reason) {}

  public boolean isDegraded() {
    return !degraded.isEmpty();
  }
}
