package dev.funnel.train.optim;

/**
 * Adagrad (Duchi, Hazan and Singer, JMLR 2011), element-wise, with one squared-gradient accumulator
 * per weight, as in PyTorch:
 *
 * <pre>
 *   g  = grad + lambda * w
 *   G  = G + g^2
 *   w  = w - lr * g / (sqrt(G) + eps)
 * </pre>
 *
 * Rows not updated keep their accumulators, so this is exactly lazy. State: rows * dim floats.
 */
public final class AdagradOptimizer implements RowOptimizer {
  private final EmbeddingTable table;
  private final float[] w;
  private final float[] accumulator;
  private final int dim;
  private final float weightDecay;
  private final float epsilon;
  private float learningRate;

  public AdagradOptimizer(EmbeddingTable table, OptimizerConfig config) {
    this.table = table;
    this.w = table.data();
    this.dim = table.dim();
    this.accumulator = new float[w.length];
    java.util.Arrays.fill(accumulator, (float) config.initialAccumulator());
    this.weightDecay = (float) config.weightDecay();
    this.epsilon = (float) config.epsilon();
    this.learningRate = (float) config.learningRate();
  }

  @Override
  public EmbeddingTable table() {
    return table;
  }

  @Override
  public void update(int row, float[] grad, int gradOff) {
    int base = row * dim;
    float lr = learningRate;
    for (int k = 0; k < dim; k++) {
      float wk = w[base + k];
      float g = grad[gradOff + k] + weightDecay * wk;
      float acc = accumulator[base + k] + g * g;
      accumulator[base + k] = acc;
      w[base + k] = wk - lr * g / ((float) Math.sqrt(acc) + epsilon);
    }
  }

  /** The accumulator G of (row, col). */
  public float accumulator(int row, int col) {
    return accumulator[row * dim + col];
  }

  @Override
  public float learningRate() {
    return learningRate;
  }

  @Override
  public void setLearningRate(float learningRate) {
    this.learningRate = SgdOptimizer.checkLearningRate(learningRate);
  }
}
