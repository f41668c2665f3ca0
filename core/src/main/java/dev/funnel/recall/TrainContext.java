package dev.funnel.recall;

import dev.funnel.data.ItemFeatures;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;

/**
 * What a trainer may use besides interactions and config: threads, a seed, a progress sink, and the
 * items' side information when the dataset has it (EGES uses it; most models ignore it).
 *
 * @param itemFeatures side information aligned with the training item ids, or null
 */
public record TrainContext(int threads, long seed, Progress progress, ItemFeatures itemFeatures) {
  public TrainContext {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1; threads=" + threads);
    }
    if (progress == null) {
      progress = Progress.NONE;
    }
  }

  public TrainContext(int threads, long seed, Progress progress) {
    this(threads, seed, progress, null);
  }

  public static TrainContext defaults() {
    return new TrainContext(Parallel.defaultThreads(), 42L, Progress.NONE);
  }

  /** The same context with the dataset's item features (null for none). */
  public TrainContext withItemFeatures(ItemFeatures features) {
    return new TrainContext(threads, seed, progress, features);
  }
}
