package dev.funnel.rank.data;

/**
 * How {@link InteractionSamples} turns interaction events into ranking samples.
 *
 * @param positiveAtLeast an event is a positive (label 1) when its value is at least this, e.g. 4 for
 *     MovieLens ratings
 * @param historyLength the most recent earlier items kept in each sample's {@code history} field,
 *     &gt;= 0; 0 leaves the field out (samples for models without a behaviour sequence)
 * @param validationFraction share of events, by time, in the validation part, in (0, 1)
 * @param testFraction share of events, by time, in the test part (the latest), in (0, 1); with
 *     validationFraction below 1
 * @param expandMultiValued when true every value v of a multi-valued item feature f becomes its own
 *     field {@code f=v} with two features (absent, present), so a model that takes exactly one feature
 *     per field (DeepFM, FFM) sees the same information; when false f is one multi-valued field
 * @param historyPositivesOnly when true the history holds only the user's earlier positives (the
 *     paper's behaviours are clicked goods); when false every earlier event's item
 */
public record SampleConfig(double positiveAtLeast, int historyLength, double validationFraction, double testFraction,
    boolean expandMultiValued, boolean historyPositivesOnly) {
  public SampleConfig {
    if (!Double.isFinite(positiveAtLeast)) {
      throw new IllegalArgumentException("positiveAtLeast must be finite; positiveAtLeast=" + positiveAtLeast);
    }
    if (historyLength < 0) {
      throw new IllegalArgumentException("historyLength must be >= 0; historyLength=" + historyLength);
    }
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("validationFraction must be in (0, 1); validationFraction=" + validationFraction);
    }
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction must be in (0, 1); testFraction=" + testFraction);
    }
    if (!(validationFraction + testFraction < 1)) {
      throw new IllegalArgumentException("validationFraction + testFraction must be below 1; validationFraction=" + validationFraction
          + ", testFraction=" + testFraction);
    }
  }

  /** MovieLens defaults: rating &gt;= 4 is positive, 50 earlier items, the last 10% of time for test and 10% before it for validation. */
  public static SampleConfig defaults() {
    return new SampleConfig(4, 50, 0.1, 0.1, false, false);
  }

  public SampleConfig withHistoryLength(int length) {
    return new SampleConfig(positiveAtLeast, length, validationFraction, testFraction, expandMultiValued, historyPositivesOnly);
  }

  public SampleConfig withExpandMultiValued(boolean expand) {
    return new SampleConfig(positiveAtLeast, historyLength, validationFraction, testFraction, expand, historyPositivesOnly);
  }
}
