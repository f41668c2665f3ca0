package dev.funnel.rank.data;

import dev.funnel.rank.SampleBatch;

/**
 * Samples cut by time: {@code train} holds the events before {@code validationFrom}, {@code
 * validation} those from it to before {@code testFrom}, {@code test} the rest. The three batches share
 * one {@link dev.funnel.rank.FieldMap}, and their groups are the users.
 *
 * @param validationFrom the first timestamp (epoch ms) of the validation part
 * @param testFrom the first timestamp (epoch ms) of the test part
 */
public record SampleSplit(SampleBatch train, SampleBatch validation, SampleBatch test, long validationFrom, long testFrom) {
  public SampleSplit {
    if (!train.fields().equals(validation.fields()) || !train.fields().equals(test.fields())) {
      throw new IllegalArgumentException("train, validation and test must share one field map");
    }
  }
}
