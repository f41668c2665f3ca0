package dev.funnel.pipeline;

import java.util.List;

/**
 * A re-rank stage: reorders the ranked candidates (best first) for the first {@code depth}
 * positions, noting on each moved item what it did ({@link Candidate#adjust}). It may drop nothing
 * but may insert pinned items that passed the request's filters.
 */
public interface Reranker {
  String name();

  /**
   * @param ranked candidates best first (at least the ones the page needs)
   * @param depth positions that matter: {@code offset + k}
   * @param admissible the request's filters (for items a re-ranker inserts)
   * @return the new order (may be the same list)
   */
  List<Candidate> rerank(PipelineRequest request, List<Candidate> ranked, int depth, java.util.function.Predicate<String> admissible);
}
