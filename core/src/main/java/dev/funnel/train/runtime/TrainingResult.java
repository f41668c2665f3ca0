package dev.funnel.train.runtime;

/**
 * What a training run did.
 *
 * @param epochs epochs run
 * @param bestEpoch 0-based epoch whose weights were kept (the last one without a validator)
 * @param bestMetric validation metric of {@code bestEpoch}, NaN without a validator
 * @param lastLoss mean loss per example of the last epoch
 * @param seconds wall-clock training seconds, validation included
 * @param trainSeconds seconds spent in epochs only (for seconds per epoch)
 * @param stoppedEarly whether patience ran out before {@code epochs}
 */
public record TrainingResult(int epochs, int bestEpoch, double bestMetric, double lastLoss, double seconds,
    double trainSeconds, boolean stoppedEarly) {
  public double secondsPerEpoch() {
    return epochs == 0 ? 0 : trainSeconds / epochs;
  }
}
