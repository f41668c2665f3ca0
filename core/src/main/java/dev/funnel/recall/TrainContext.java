package dev.funnel.recall;

import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;

/** What a trainer may use besides data and config: threads, a seed, and a progress sink. */
public record TrainContext(int threads, long seed, Progress progress) {
  public TrainContext {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1; threads=" + threads);
    }
    if (progress == null) {
      progress = Progress.NONE;
    }
  }

  public static TrainContext defaults() {
    return new TrainContext(Parallel.defaultThreads(), 42L, Progress.NONE);
  }
}
