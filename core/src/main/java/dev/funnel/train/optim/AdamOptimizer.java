package dev.funnel.train.optim;

/**
 * Lazy (sparse) Adam with a step counter per row, so bias correction is per row. Adam is Kingma and
 * Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 1. When row r is updated
 * with gradient grad, with t_r its own number of updates so far:
 *
 * <pre>
 *   t_r = t_r + 1
 *   g   = grad + lambda * w                      (coupled L2, not AdamW)
 *   m   = beta1 * m + (1 - beta1) * g
 *   v   = beta2 * v + (1 - beta2) * g^2
 *   m^  = m / (1 - beta1^t_r)
 *   v^  = v / (1 - beta2^t_r)
 *   w   = w - lr * m^ / (sqrt(v^) + eps)
 * </pre>
 *
 * Rows absent from a batch are not touched at all: their moments do not decay and their counter does
 * not advance. This differs from TensorFlow's LazyAdam and PyTorch's SparseAdam, which share one global
 * step for the bias correction; with a global t a rarely-seen row gets almost no bias correction on
 * its first updates, with t_r it gets the full correction every model row gets on its first steps.
 *
 * <p>Hogwild: the per-row counter is a plain int; a race may lose an increment, which only shifts
 * that row's bias correction by one step. Corrections 1/(1 - beta^t) are tabulated for small t.
 * State: 2 * rows * dim floats (a row's m and v side by side) plus rows ints.
 */
public final class AdamOptimizer implements RowOptimizer {
  private static final int TABLE = 1 << 14;
  private static final float[] ONE = {1f};
  /**
   * Rows at least this long (dense layers held as one row) step on {@code VectorKernels.adamStep};
   * embedding rows keep the loop below, so their results do not change with the kernels.
   */
  private static final int DENSE_ROW = 1024;

  private final EmbeddingTable table;
  private final float[] w;
  /** Row r's first moments at [2*r*dim, 2*r*dim + dim), its second moments right after: one stream per update. */
  private final float[] moments;
  private final int[] steps;
  private final int dim;
  private final float weightDecay;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final double beta1d;
  private final double beta2d;
  private final float[] correction1;
  private final float[] correction2;
  private float learningRate;
  private boolean kernelRows;

  public AdamOptimizer(EmbeddingTable table, OptimizerConfig config) {
    this.table = table;
    this.w = table.data();
    this.dim = table.dim();
    this.moments = new float[2 * w.length];
    this.steps = new int[table.rows()];
    this.weightDecay = (float) config.weightDecay();
    this.beta1d = config.beta1();
    this.beta2d = config.beta2();
    this.beta1 = (float) beta1d;
    this.beta2 = (float) beta2d;
    this.epsilon = (float) config.epsilon();
    this.learningRate = (float) config.learningRate();
    correction1 = new float[TABLE];
    correction2 = new float[TABLE];
    for (int t = 1; t < TABLE; t++) {
      correction1[t] = (float) (1.0 / (1.0 - Math.pow(beta1d, t)));
      correction2[t] = (float) (1.0 / (1.0 - Math.pow(beta2d, t)));
    }
  }

  @Override
  public EmbeddingTable table() {
    return table;
  }

  @Override
  public void update(int row, float[] grad, int gradOff) {
    step(row, 1f, grad, gradOff, weightDecay);
  }

  @Override
  public void updateScaled(int row, float alpha, float[] x, int xOff) {
    step(row, alpha, x, xOff, weightDecay);
  }

  @Override
  public void updateScalar(int row, float grad) {
    SgdOptimizer.checkScalar(dim);
    step(row, grad, ONE, 0, weightDecay);
  }

  @Override
  public void updateAffine(int row, float alpha, float[] x, int xOff, float beta) {
    step(row, alpha, x, xOff, weightDecay + beta);
  }

  /**
   * Steps every row on {@code VectorKernels.adamStep} (SIMD when available), not only rows of at least
   * 1024 floats: several times faster on 64-float embedding rows, equal to the scalar loop within float
   * rounding (so results then depend on the kernels chosen at run time). Off by default.
   */
  public AdamOptimizer kernelRows(boolean on) {
    this.kernelRows = on;
    return this;
  }

  /** One Adam step with gradient alpha * grad + decay * w. */
  private void step(int row, float alpha, float[] grad, int gradOff, float decay) {
    int t = steps[row] + 1;
    if (t < 0) {
      t = Integer.MAX_VALUE; // corrections are 1 long before this; just never wrap
    }
    steps[row] = t;
    float c1;
    float c2;
    if (t < TABLE) {
      c1 = correction1[t];
      c2 = correction2[t];
    } else {
      c1 = (float) (1.0 / (1.0 - Math.pow(beta1d, t)));
      c2 = (float) (1.0 / (1.0 - Math.pow(beta2d, t)));
    }
    float lr = learningRate;
    float b1 = beta1;
    float b2 = beta2;
    int base = row * dim;
    int mBase = 2 * base;
    int vBase = mBase + dim;
    if (kernelRows || dim >= DENSE_ROW) { // a dense layer as one row: the same step on the SIMD kernels
      dev.funnel.kernel.Kernels.get().adamStep(alpha, grad, gradOff, decay, w, base, moments, mBase, vBase, b1, b2, lr, c1, c2, epsilon,
          dim);
      return;
    }
    for (int k = 0; k < dim; k++) {
      float wk = w[base + k];
      float g = alpha * grad[gradOff + k] + decay * wk;
      float mk = b1 * moments[mBase + k] + (1 - b1) * g;
      float vk = b2 * moments[vBase + k] + (1 - b2) * g * g;
      moments[mBase + k] = mk;
      moments[vBase + k] = vk;
      w[base + k] = wk - lr * (mk * c1) / ((float) Math.sqrt(vk * c2) + epsilon);
    }
  }

  /** How many updates row r has had (its t_r). */
  public int steps(int row) {
    return steps[row];
  }

  @Override
  public float learningRate() {
    return learningRate;
  }

  @Override
  public void setLearningRate(float learningRate) {
    this.learningRate = SgdOptimizer.checkLearningRate(learningRate);
  }

  @Override
  public void writeState(java.io.DataOutput out) throws java.io.IOException {
    out.writeInt(OptimizerKind.ADAM.ordinal());
    out.writeFloat(learningRate);
    dev.funnel.io.BinaryIO.writeFloats(out, moments);
    dev.funnel.io.BinaryIO.writeInts(out, steps);
  }

  @Override
  public void readState(java.io.DataInput in) throws java.io.IOException {
    SgdOptimizer.expectKind(in, OptimizerKind.ADAM);
    learningRate = in.readFloat();
    SgdOptimizer.readInto(in, moments, "Adam moments");
    int[] s = dev.funnel.io.BinaryIO.readInts(in);
    if (s.length != steps.length) {
      throw new IllegalStateException("Adam step counters hold " + s.length + " rows but the table has " + steps.length);
    }
    System.arraycopy(s, 0, steps, 0, s.length);
  }
}
