package dev.funnel.train.sample;

import dev.funnel.train.WorkerRandom;

/** q(i) = 1 / numItems. */
public final class UniformItemSampler implements ItemSampler {
  private final int numItems;

  public UniformItemSampler(int numItems) {
    if (numItems <= 0) {
      throw new IllegalArgumentException("numItems must be positive; numItems=" + numItems);
    }
    this.numItems = numItems;
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public int sample(WorkerRandom random) {
    return random.nextInt(numItems);
  }

  @Override
  public double probability(int item) {
    return 1.0 / numItems;
  }
}
