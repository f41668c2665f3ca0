package dev.funnel.train.sample;

import dev.funnel.train.WorkerRandom;

/**
 * A fixed proposal distribution q over items [0, numItems). Implementations are immutable and
 * thread-safe: all mutable state lives in the caller's {@link WorkerRandom}.
 */
public interface ItemSampler {
  int numItems();

  /** One item drawn from q in O(1). */
  int sample(WorkerRandom random);

  /** q(item), e.g. for the logQ correction of sampled softmax. */
  double probability(int item);
}
