package dev.funnel.train.runtime;

import dev.funnel.train.WorkerRandom;

/** Makes the worker of one thread, once per training run, with its own random stream. */
@FunctionalInterface
public interface WorkerFactory {
  /** @param random {@code WorkerRandom.forWorker(seed, workerId)}; the worker keeps it across epochs */
  BatchWorker create(int workerId, WorkerRandom random);
}
