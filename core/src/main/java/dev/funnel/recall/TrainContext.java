package dev.funnel.recall;

import dev.funnel.data.ItemFeatures;
import dev.funnel.train.runtime.Checkpointing;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;

/**
 * What a trainer may use besides interactions and config: threads, a seed, a progress sink, where to
 * save and resume epoch checkpoints (null: none; only epoch-based trainers use it), and the items'
 * side information when the dataset has it (null: none; EGES uses it, most models ignore it).
 *
 * @param itemFeatures side information aligned with the training item ids, or null
 */
public record TrainContext(int threads, long seed, Progress progress, Checkpointing checkpointing, ItemFeatures itemFeatures) {
  public TrainContext {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1; threads=" + threads);
    }
    if (progress == null) {
      progress = Progress.NONE;
    }
  }

  /** No checkpoints, no item features. */
  public TrainContext(int threads, long seed, Progress progress) {
    this(threads, seed, progress, null, null);
  }

  /** No item features. */
  public TrainContext(int threads, long seed, Progress progress, Checkpointing checkpointing) {
    this(threads, seed, progress, checkpointing, null);
  }

  public static TrainContext defaults() {
    return new TrainContext(Parallel.defaultThreads(), 42L, Progress.NONE);
  }

  /** This context with checkpoints saved (and possibly resumed) as given. */
  public TrainContext withCheckpointing(Checkpointing checkpointing) {
    return new TrainContext(threads, seed, progress, checkpointing, itemFeatures);
  }

  /** This context with the dataset's item features (null for none). */
  public TrainContext withItemFeatures(ItemFeatures features) {
    return new TrainContext(threads, seed, progress, checkpointing, features);
  }
}
