package dev.funnel.rank.lr;

import dev.funnel.rank.EpochTraining;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.loss.Logistic;
import java.io.DataInput;
import java.io.IOException;

/**
 * Logistic regression with FTRL-Proximal (McMahan et al., "Ad Click Prediction: a View from the
 * Trenches", KDD 2013, Algorithm 1). Per coordinate i it keeps z_i and n_i (the sum of squared
 * gradients); the weight is computed lazily when the coordinate is seen:
 *
 * <pre>
 *   w_i = 0                                                     if |z_i| &lt;= lambda1
 *       = -(z_i - sgn(z_i) lambda1) / ((beta + sqrt(n_i)) / alpha + lambda2)   otherwise
 *   p   = sigmoid(Σ_i w_i x_i),   g_i = (p - y) x_i   (times the sample's weight)
 *   sigma_i = (sqrt(n_i + g_i^2) - sqrt(n_i)) / alpha
 *   z_i += g_i - sigma_i w_i,     n_i += g_i^2
 * </pre>
 *
 * The bias (an always-on coordinate after the features) follows the same rule without L1 and L2.
 * Several epochs over a seeded shuffle, early stopping on validation AUC ({@link EpochTraining});
 * with one thread the run is deterministic, with more the updates are Hogwild (lock-free).
 */
public final class LogisticRegression implements RankAlgorithm<LrConfig> {
  public static final String NAME = "lr";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "logistic regression, FTRL-Proximal per-coordinate rates with L1/L2 (McMahan et al. 2013)";
  }

  @Override
  public LrConfig defaultConfig() {
    return LrConfig.defaults();
  }

  @Override
  public LrModel fit(LrConfig config, SampleBatch train, SampleBatch validation, TrainContext context) {
    FieldMap fields = train.fields();
    int dim = fields.numFeatures() + 1;
    float[] z = new float[dim];
    float[] n = new float[dim];
    Ftrl ftrl = new Ftrl(config, z, n);
    EpochTraining.run(train, validation, config.epochs(), config.patience(), context, id -> row -> ftrl.step(train, row),
        batch -> {
          float[] out = new float[batch.size()];
          LrModel.score(ftrl.weights(), batch, out);
          return out;
        }, z, n);
    return new LrModel(config, fields, ftrl.weights());
  }

  @Override
  public LrModel read(DataInput in, LrConfig config, FieldMap fields) throws IOException {
    return LrModel.read(in, config, fields);
  }

  /** d/dm of the logistic loss softplus(m) - y m at margin m: sigmoid(m) - y. */
  static double lossGradient(double margin, float label) {
    return Logistic.sigmoid(margin) - label;
  }

  /** The FTRL state z, n over the coordinates (features, then the bias). */
  static final class Ftrl {
    private final float[] z;
    private final float[] n;
    private final float alpha;
    private final float beta;
    private final float l1;
    private final float l2;
    private final int bias;

    Ftrl(LrConfig config, float[] z, float[] n) {
      this.z = z;
      this.n = n;
      this.alpha = (float) config.alpha();
      this.beta = (float) config.beta();
      this.l1 = (float) config.l1();
      this.l2 = (float) config.l2();
      this.bias = z.length - 1;
    }

    float weight(int i) {
      float zi = z[i];
      if (i == bias) {
        return -zi / ((beta + (float) Math.sqrt(n[i])) / alpha);
      }
      if (Math.abs(zi) <= l1) {
        return 0f;
      }
      return -(zi - Math.signum(zi) * l1) / ((beta + (float) Math.sqrt(n[i])) / alpha + l2);
    }

    float[] weights() {
      float[] w = new float[z.length];
      for (int i = 0; i < w.length; i++) {
        w[i] = weight(i);
      }
      return w;
    }

    /** One FTRL round on training row r; returns its weighted logistic loss. */
    double step(SampleBatch batch, int r) {
      int[] ptr = batch.rowPtr();
      int[] features = batch.features();
      float wb = weight(bias);
      double margin = wb;
      for (int k = ptr[r]; k < ptr[r + 1]; k++) {
        margin += weight(features[k]) * batch.value(k);
      }
      float y = batch.labels()[r];
      float sampleWeight = batch.weight(r);
      float g = (float) (lossGradient(margin, y) * sampleWeight);
      for (int k = ptr[r]; k < ptr[r + 1]; k++) {
        int i = features[k];
        // the weight is recomputed rather than cached: a feature may repeat within a row
        update(i, weight(i), g * batch.value(k));
      }
      update(bias, wb, g);
      return sampleWeight * (Logistic.softplus(margin) - y * margin);
    }

    private void update(int i, float wi, float gi) {
      float ni = n[i];
      float sigma = ((float) Math.sqrt(ni + gi * gi) - (float) Math.sqrt(ni)) / alpha;
      z[i] += gi - sigma * wi;
      n[i] = ni + gi * gi;
    }
  }
}
