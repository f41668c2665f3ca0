package dev.funnel.train.optim;

/** Plain SGD with coupled L2: w &larr; w - lr * (g + lambda * w). Stateless, so trivially lazy. */
public final class SgdOptimizer implements RowOptimizer {
  private final EmbeddingTable table;
  private final float[] w;
  private final int dim;
  private final float weightDecay;
  private float learningRate;

  public SgdOptimizer(EmbeddingTable table, OptimizerConfig config) {
    this.table = table;
    this.w = table.data();
    this.dim = table.dim();
    this.weightDecay = (float) config.weightDecay();
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
    float lambda = weightDecay;
    for (int k = 0; k < dim; k++) {
      float wk = w[base + k];
      w[base + k] = wk - lr * (grad[gradOff + k] + lambda * wk);
    }
  }

  @Override
  public void updateScaled(int row, float alpha, float[] x, int xOff) {
    int base = row * dim;
    float lr = learningRate;
    float lambda = weightDecay;
    for (int k = 0; k < dim; k++) {
      float wk = w[base + k];
      w[base + k] = wk - lr * (alpha * x[xOff + k] + lambda * wk);
    }
  }

  @Override
  public void updateAffine(int row, float alpha, float[] x, int xOff, float beta) {
    int base = row * dim;
    float lr = learningRate;
    float lambda = weightDecay + beta;
    for (int k = 0; k < dim; k++) {
      float wk = w[base + k];
      w[base + k] = wk - lr * (alpha * x[xOff + k] + lambda * wk);
    }
  }

  @Override
  public void updateScalar(int row, float grad) {
    checkScalar(dim);
    float wk = w[row];
    w[row] = wk - learningRate * (grad + weightDecay * wk);
  }

  /** {@link RowOptimizer#updateScalar} is for dim-1 tables only. */
  static void checkScalar(int dim) {
    if (dim != 1) {
      throw new IllegalStateException("updateScalar needs a table of dim 1; dim=" + dim);
    }
  }

  @Override
  public float learningRate() {
    return learningRate;
  }

  @Override
  public void setLearningRate(float learningRate) {
    this.learningRate = checkLearningRate(learningRate);
  }

  static float checkLearningRate(float learningRate) {
    if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be positive and finite; learningRate=" + learningRate);
    }
    return learningRate;
  }

  @Override
  public void writeState(java.io.DataOutput out) throws java.io.IOException {
    out.writeInt(OptimizerKind.SGD.ordinal());
    out.writeFloat(learningRate);
  }

  @Override
  public void readState(java.io.DataInput in) throws java.io.IOException {
    expectKind(in, OptimizerKind.SGD);
    learningRate = in.readFloat();
  }

  static void readInto(java.io.DataInput in, float[] into, String what) throws java.io.IOException {
    float[] v = dev.funnel.io.BinaryIO.readFloats(in);
    if (v.length != into.length) {
      throw new IllegalStateException(what + " state holds " + v.length + " values but the table needs " + into.length);
    }
    System.arraycopy(v, 0, into, 0, v.length);
  }

  static void expectKind(java.io.DataInput in, OptimizerKind kind) throws java.io.IOException {
    int found = in.readInt();
    if (found != kind.ordinal()) {
      String name = found >= 0 && found < OptimizerKind.values().length ? OptimizerKind.values()[found].name() : "#" + found;
      throw new IllegalStateException("optimizer state is for " + name + " but this optimizer is " + kind);
    }
  }
}
