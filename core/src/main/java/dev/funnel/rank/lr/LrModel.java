package dev.funnel.rank.lr;

import dev.funnel.io.BinaryIO;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.train.loss.Logistic;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** p(click | x) = sigmoid(w_bias + Σ_i w_i x_i); the bias is the last weight. Payload: the weights. */
public final class LrModel implements RankModel {
  private final LrConfig config;
  private final FieldMap fields;
  private final float[] weights;

  LrModel(LrConfig config, FieldMap fields, float[] weights) {
    if (weights.length != fields.numFeatures() + 1) {
      throw new IllegalArgumentException("weights must hold numFeatures+1=" + (fields.numFeatures() + 1) + " values; has "
          + weights.length);
    }
    this.config = config;
    this.fields = fields;
    this.weights = weights;
  }

  static LrModel read(DataInput in, LrConfig config, FieldMap fields) throws IOException {
    return new LrModel(config, fields, BinaryIO.readFloats(in));
  }

  @Override
  public String algorithm() {
    return LogisticRegression.NAME;
  }

  @Override
  public LrConfig config() {
    return config;
  }

  @Override
  public FieldMap fields() {
    return fields;
  }

  /** The weight of feature i (i = numFeatures: the bias). */
  public float weight(int feature) {
    return weights[feature];
  }

  @Override
  public void score(SampleBatch batch, float[] out) {
    RankModel.checkFields(this, batch);
    score(weights, batch, out);
  }

  static void score(float[] w, SampleBatch batch, float[] out) {
    int[] ptr = batch.rowPtr();
    int[] features = batch.features();
    float bias = w[w.length - 1];
    for (int r = 0; r < batch.size(); r++) {
      double margin = bias;
      for (int k = ptr[r]; k < ptr[r + 1]; k++) {
        margin += w[features[k]] * batch.value(k);
      }
      out[r] = (float) Logistic.sigmoid(margin);
    }
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    BinaryIO.writeFloats(out, weights);
  }
}
