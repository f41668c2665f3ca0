package dev.funnel.recall;

/**
 * A model that can score from a history given at request time instead of (or on top of) the
 * user's training row: item-to-item models (ItemCF, Swing) use a user's newest events as
 * triggers, so a user gets personal results from the first click, before any retrain.
 *
 * <p>Trigger weights are the caller's: the online layer passes
 * {@code w = typeWeight · 0.5^(age / halfLife)} (see {@code dev.funnel.online.OnlineRecommender}).
 * A repeated item simply adds its weights. Triggers with a weight that is not positive are ignored.
 */
public interface HistoryScorer {
  /**
   * The top k items for the user's training row (when {@code user >= 0}; use -1 for none) plus
   * the extra triggers {@code items[n]} with weights {@code weights[n]}, that pass the filter,
   * best first. With no triggers this equals {@code recommend(user, k, filter)}.
   *
   * @throws IllegalArgumentException if the arrays differ in length or a trigger is not an item of
   *     the model
   */
  ScoredItems recommendFromHistory(int user, int[] items, float[] weights, int k, ItemFilter filter);

  /**
   * As {@link #recommendFromHistory(int, int[], float[], int, ItemFilter)} but only the items with
   * evidence (a positive score): no filling with items the history says nothing about. A recall
   * channel wants exactly these; a model that knows how skips asking the filter about the fill.
   */
  default ScoredItems evidenceFromHistory(int user, int[] items, float[] weights, int k, ItemFilter filter) {
    ScoredItems s = recommendFromHistory(user, items, weights, k, filter);
    int n = 0;
    while (n < s.size() && s.score(n) > 0f) {
      n++;
    }
    return n == s.size() ? s : new ScoredItems(java.util.Arrays.copyOf(s.items(), n), java.util.Arrays.copyOf(s.scores(), n));
  }

  /** The top k items for a history alone (a user the model never saw). */
  default ScoredItems recommendFromHistory(int[] items, float[] weights, int k, ItemFilter filter) {
    return recommendFromHistory(-1, items, weights, k, filter);
  }
}
