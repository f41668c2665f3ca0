package dev.funnel.rank;

import java.io.DataOutput;
import java.io.IOException;

/**
 * A trained ranking model: immutable, thread-safe to read. It scores sparse samples over the feature
 * space it was trained on ({@link #fields()}) with a click probability in (0, 1).
 */
public interface RankModel {
  /** The registry name of the algorithm that trained it. */
  String algorithm();

  /** The resolved configuration it was trained with. */
  Record config();

  /** The feature space it scores; a batch over another one is refused. */
  FieldMap fields();

  /** Writes the probability of every row of {@code batch} into {@code out} (length at least batch.size()). */
  void score(SampleBatch batch, float[] out);

  /** The probability of every row of {@code batch}. */
  default float[] score(SampleBatch batch) {
    float[] out = new float[batch.size()];
    score(batch, out);
    return out;
  }

  /** Writes the model's own payload; the header and checksum are written by {@link RankModelFile}. */
  void writePayload(DataOutput out) throws IOException;

  /** Refuses a batch over a different feature space than the model's. */
  static void checkFields(RankModel model, SampleBatch batch) {
    if (!model.fields().equals(batch.fields())) {
      throw new IllegalArgumentException("batch fields (" + batch.fields() + ") differ from the model's (" + model.fields() + ")");
    }
  }
}
