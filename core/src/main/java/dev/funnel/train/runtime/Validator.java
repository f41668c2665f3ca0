package dev.funnel.train.runtime;

/** A validation metric computed between epochs, higher is better (e.g. Recall@20 on held-out data). */
@FunctionalInterface
public interface Validator {
  /** Scores the current weights after {@code epoch} (0-based); called on the caller's thread. */
  double evaluate(int epoch);
}
