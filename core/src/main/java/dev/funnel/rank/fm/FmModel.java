package dev.funnel.rank.fm;

import dev.funnel.io.BinaryIO;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.LinearTerm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.train.loss.Logistic;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * p(click | x) = sigmoid(y(x)) with Rendle's FM (ICDM 2010, eq. 1), its pairwise term in O(k n) by
 * his Lemma 3.1:
 *
 * <pre>
 *   y(x) = w0 + Σ_i w_i x_i + 1/2 Σ_f [ (Σ_i v_{i,f} x_i)^2 - Σ_i v_{i,f}^2 x_i^2 ]
 * </pre>
 *
 * Payload: the linear weights (bias last), then the factors row-major (numFeatures x dim).
 */
public final class FmModel implements RankModel {
  private final FmConfig config;
  private final FieldMap fields;
  private final float[] linear;
  private final float[] factors;

  FmModel(FmConfig config, FieldMap fields, float[] linear, float[] factors) {
    int n = fields.numFeatures();
    if (linear.length != n + 1 || factors.length != (long) n * config.dim()) {
      throw new IllegalArgumentException("FM weights must hold " + (n + 1) + " linear and " + (long) n * config.dim()
          + " factor values; have " + linear.length + " and " + factors.length);
    }
    this.config = config;
    this.fields = fields;
    this.linear = linear;
    this.factors = factors;
  }

  static FmModel read(DataInput in, FmConfig config, FieldMap fields) throws IOException {
    float[] linear = BinaryIO.readFloats(in);
    return new FmModel(config, fields, linear, BinaryIO.readFloats(in));
  }

  @Override
  public String algorithm() {
    return FactorizationMachine.NAME;
  }

  @Override
  public FmConfig config() {
    return config;
  }

  @Override
  public FieldMap fields() {
    return fields;
  }

  @Override
  public void score(SampleBatch batch, float[] out) {
    RankModel.checkFields(this, batch);
    score(linear, factors, config.dim(), batch, out);
  }

  static void score(float[] linear, float[] factors, int dim, SampleBatch batch, float[] out) {
    float[] sums = new float[dim];
    for (int r = 0; r < batch.size(); r++) {
      out[r] = (float) Logistic.sigmoid(margin(linear, factors, dim, batch, r, sums));
    }
  }

  /** y(x) of row r; leaves Σ_i v_{i,f} x_i in {@code sums} (the gradient needs it). */
  static double margin(float[] linear, float[] factors, int dim, SampleBatch batch, int r, float[] sums) {
    int[] ptr = batch.rowPtr();
    int[] features = batch.features();
    java.util.Arrays.fill(sums, 0f);
    double y = LinearTerm.margin(linear, batch, r);
    double squares = 0;
    for (int k = ptr[r]; k < ptr[r + 1]; k++) {
      int i = features[k];
      float x = batch.value(k);
      int base = i * dim;
      for (int f = 0; f < dim; f++) {
        float vx = factors[base + f] * x;
        sums[f] += vx;
        squares += vx * vx;
      }
    }
    double pairs = 0;
    for (int f = 0; f < dim; f++) {
      pairs += sums[f] * sums[f];
    }
    return y + 0.5 * (pairs - squares);
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    BinaryIO.writeFloats(out, linear);
    BinaryIO.writeFloats(out, factors);
  }
}
