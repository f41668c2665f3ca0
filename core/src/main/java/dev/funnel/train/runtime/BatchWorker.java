package dev.funnel.train.runtime;

/**
 * One worker thread's training step. A worker owns its scratch arrays and its {@link
 * dev.funnel.train.WorkerRandom}; shared weights are updated Hogwild-style (no locks).
 */
@FunctionalInterface
public interface BatchWorker {
  /**
   * Trains on examples {@code [from, to)} of the epoch and returns their summed loss. A non-finite
   * return stops training with a {@link TrainingException} naming the epoch and batch.
   */
  double run(int epoch, int batch, long from, long to);
}
