package dev.funnel.pipeline;

import java.util.List;

/**
 * The rank stage: scores every candidate of a request in one call, so per-user work (user features,
 * the behaviour sequence, a user tower) is done once per request, not once per candidate, and item
 * scoring can be batched. Writes {@link Candidate#score(float)}; the pipeline sorts by it afterwards.
 *
 * <p>Without a configured ranker a scene uses score fusion ({@code fusion}), reported as such in the
 * response's {@code ranking}. Learned rankers (issue 5) plug in here through a {@link StageFactory}
 * of kind {@link StageKind#RANKER}.
 */
public interface Ranker {
  /** What the response reports as {@code ranking}, e.g. {@code fusion:rrf} or {@code deepfm:ctr-v3}. */
  String description();

  void score(PipelineRequest request, List<Candidate> candidates);

  /**
   * Called once at build time with the scene's channel names in order; a ranker whose features depend on
   * particular channels (a stacking model) throws {@link IllegalArgumentException} when one is missing,
   * which fails start-up naming the scene file and its {@code rank}.
   */
  default void requireChannels(List<String> channels) {}

  /**
   * Whether {@link #score} writes a probability in [0, 1] (a pCTR), as a learned ranker does and score
   * fusion does not; ads mode (eCPM = pCTR x bid x 1000) refuses a scene whose rank stage does not.
   */
  default boolean probability() {
    return false;
  }
}
