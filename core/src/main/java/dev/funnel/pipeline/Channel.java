package dev.funnel.pipeline;

import dev.funnel.recall.ModelRecommender.Scored;
import java.util.List;
import java.util.function.Predicate;

/**
 * A recall channel: proposes up to {@code limit} items for a request, best first, with scores
 * comparable within its own list only. The pipeline runs channels concurrently, each under its own
 * timeout; a channel that is slow or throws is dropped from the response, which is marked degraded.
 *
 * <p>{@code admissible} is the request's filters pushed down into recall (seen, negative, excluded,
 * unavailable, business rules): a channel must evaluate it during selection, not after, so it
 * returns fewer than {@code limit} items only when it has no more admissible ones (ItemFilter's
 * contract). It may be called from several threads; channels are immutable and thread-safe.
 */
public interface Channel {
  /** The channel's name in the scene (trace, degraded list, per-channel weights). */
  String name();

  /** At most {@code limit} admissible items, best first; empty (never null) when it has nothing for this request. */
  List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible);
}
