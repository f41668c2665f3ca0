package dev.funnel.recall;

import dev.funnel.train.runtime.Checkpointing;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;

/**
 * What a trainer may use besides data and config: threads, a seed, a progress sink, and where to
 * save and resume epoch checkpoints (null: none; only epoch-based trainers use it).
 */
public record TrainContext(int threads, long seed, Progress progress, Checkpointing checkpointing) {
  public TrainContext {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1; threads=" + threads);
    }
    if (progress == null) {
      progress = Progress.NONE;
    }
  }

  /** No checkpoints. */
  public TrainContext(int threads, long seed, Progress progress) {
    this(threads, seed, progress, null);
  }

  public static TrainContext defaults() {
    return new TrainContext(Parallel.defaultThreads(), 42L, Progress.NONE);
  }

  /** This context with checkpoints saved (and possibly resumed) as given. */
  public TrainContext withCheckpointing(Checkpointing checkpointing) {
    return new TrainContext(threads, seed, progress, checkpointing);
  }
}
