package dev.funnel.train.runtime;

/**
 * Training failed in a worker or produced a non-finite loss; rethrown on the caller's thread with
 * the epoch and batch so that a divergence is located, not just noticed.
 */
public final class TrainingException extends RuntimeException {
  private final int epoch;
  private final int batch;

  public TrainingException(String message, int epoch, int batch, Throwable cause) {
    super(message, cause);
    this.epoch = epoch;
    this.batch = batch;
  }

  /** The 0-based epoch that failed. */
  public int epoch() {
    return epoch;
  }

  /** The 0-based batch within the epoch that failed. */
  public int batch() {
    return batch;
  }
}
