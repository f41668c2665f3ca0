package dev.funnel.train.sample;

/** The current model's scores of every item for a user: the callback hard-negative mining ranks by. */
@FunctionalInterface
public interface ItemScorer {
  /** Writes the score of every item into {@code scores[0 .. numItems)}; higher is better. */
  void score(int user, float[] scores);
}
