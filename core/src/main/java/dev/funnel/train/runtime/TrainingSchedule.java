package dev.funnel.train.runtime;

/**
 * How long and how parallel to train.
 *
 * @param epochs maximum number of epochs, &gt;= 1
 * @param examplesPerEpoch examples per epoch (e.g. the number of training interactions), &gt;= 0
 * @param batchSize examples per batch: the unit of work handed to a thread and of the NaN check
 * @param threads worker threads; 1 is the reproducible mode (bit for bit from the seed)
 * @param seed worker w draws from {@code WorkerRandom.forWorker(seed, w)}
 * @param validateEvery run the validator after every this many epochs (and after the last)
 * @param patience stop after this many validations without improvement; 0 never stops early
 */
public record TrainingSchedule(int epochs, long examplesPerEpoch, int batchSize, int threads, long seed,
    int validateEvery, int patience) {
  public TrainingSchedule {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be positive; epochs=" + epochs);
    }
    if (examplesPerEpoch < 0) {
      throw new IllegalArgumentException("examplesPerEpoch must be >= 0; examplesPerEpoch=" + examplesPerEpoch);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive; batchSize=" + batchSize);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive; threads=" + threads);
    }
    if (validateEvery < 1) {
      throw new IllegalArgumentException("validateEvery must be positive; validateEvery=" + validateEvery);
    }
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be >= 0; patience=" + patience);
    }
  }

  /** No validation-driven schedule: validate (if a validator is given) after every epoch, never stop early. */
  public static TrainingSchedule of(int epochs, long examplesPerEpoch, int batchSize, int threads, long seed) {
    return new TrainingSchedule(epochs, examplesPerEpoch, batchSize, threads, seed, 1, 0);
  }

  public long batches() {
    return (examplesPerEpoch + batchSize - 1) / batchSize;
  }
}
