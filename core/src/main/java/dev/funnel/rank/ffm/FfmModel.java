package dev.funnel.rank.ffm;

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
 * p(click | x) = sigmoid(y(x)) with a field-aware factorization machine (Juan et al., RecSys 2016,
 * phi_FFM, plus a linear term as in the BARS/FuxiCTR FFM):
 *
 * <pre>
 *   y(x) = w0 + Σ_i w_i x_i + Σ_{i&lt;j} &lt;v_{i,f_j}, v_{j,f_i}&gt; x_i x_j
 * </pre>
 *
 * Payload: the linear weights (bias last), then the latent vectors row-major, (numFeatures x
 * numFields) x dim, feature-major (see {@link FieldFactors}).
 */
public final class FfmModel implements RankModel {
  private final FfmConfig config;
  private final FieldMap fields;
  private final float[] linear;
  private final FieldFactors factors;

  FfmModel(FfmConfig config, FieldMap fields, float[] linear, FieldFactors factors) {
    if (linear.length != fields.numFeatures() + 1) {
      throw new IllegalArgumentException("FFM linear weights must hold numFeatures+1=" + (fields.numFeatures() + 1) + " values; have "
          + linear.length);
    }
    this.config = config;
    this.fields = fields;
    this.linear = linear;
    this.factors = factors;
  }

  static FfmModel read(DataInput in, FfmConfig config, FieldMap fields) throws IOException {
    float[] linear = BinaryIO.readFloats(in);
    return new FfmModel(config, fields, linear, new FieldFactors(fields, config.dim(), BinaryIO.readFloats(in)));
  }

  @Override
  public String algorithm() {
    return FieldAwareFm.NAME;
  }

  @Override
  public FfmConfig config() {
    return config;
  }

  @Override
  public FieldMap fields() {
    return fields;
  }

  @Override
  public void score(SampleBatch batch, float[] out) {
    RankModel.checkFields(this, batch);
    score(linear, factors, batch, out);
  }

  static void score(float[] linear, FieldFactors factors, SampleBatch batch, float[] out) {
    for (int r = 0; r < batch.size(); r++) {
      out[r] = (float) Logistic.sigmoid(margin(linear, factors, batch, r));
    }
  }

  /** y(x) of row r. */
  static double margin(float[] linear, FieldFactors factors, SampleBatch batch, int r) {
    return LinearTerm.margin(linear, batch, r) + factors.pairwise(batch, r);
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    BinaryIO.writeFloats(out, linear);
    BinaryIO.writeFloats(out, factors.v);
  }
}
