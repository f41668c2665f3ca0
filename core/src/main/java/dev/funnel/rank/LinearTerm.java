package dev.funnel.rank;

import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.RowOptimizer;

/**
 * The linear part {@code w0 + Σ_i w_i x_i} that factorization machines (FM, FFM) share, and its
 * training. Weights: one per feature, the global bias w0 last. Feature weights step through a row
 * optimizer with L2 on the touched weights only; the bias through its own optimizer state, without L2.
 */
public final class LinearTerm {
  private final float[] weights;
  private final RowOptimizer featureStep;
  private final RowOptimizer biasStep;

  /** Zero weights over {@code numFeatures} features and the bias; {@code l2} on the feature weights. */
  public LinearTerm(int numFeatures, OptimizerConfig optimizer, double l2) {
    EmbeddingTable table = new EmbeddingTable(numFeatures + 1, 1);
    weights = table.data();
    featureStep = optimizer.withWeightDecay(l2).create(table);
    biasStep = optimizer.withWeightDecay(0).create(table); // its own state, used for the bias row only
  }

  /** The trained weights (the bias last), live: the array the optimizers update. */
  public float[] weights() {
    return weights;
  }

  /** {@code w0 + Σ_i w_i x_i} of row r. */
  public static double margin(float[] weights, SampleBatch batch, int r) {
    int[] ptr = batch.rowPtr();
    int[] features = batch.features();
    double y = weights[weights.length - 1];
    for (int k = ptr[r]; k < ptr[r + 1]; k++) {
      y += weights[features[k]] * batch.value(k);
    }
    return y;
  }

  /** One step on row r given g = dL/dy: dL/dw_i = g x_i, dL/dw0 = g. Hogwild-safe as the optimizers are. */
  public void step(SampleBatch batch, int r, float g) {
    int[] ptr = batch.rowPtr();
    int[] features = batch.features();
    for (int k = ptr[r]; k < ptr[r + 1]; k++) {
      featureStep.updateScalar(features[k], g * batch.value(k));
    }
    biasStep.updateScalar(weights.length - 1, g);
  }
}
