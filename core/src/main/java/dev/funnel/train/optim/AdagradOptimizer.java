package dev.funnel.train.optim;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;

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
 * Rows not updated keep their accumulators, so this is exactly lazy. State: rows * dim floats. The
 * step runs as one fused kernel ({@link VectorKernels#adagradStep}), SIMD when available.
 */
public final class AdagradOptimizer implements RowOptimizer {
  private final EmbeddingTable table;
  private final float[] w;
  private final float[] accumulator;
  private final int dim;
  private final float weightDecay;
  private final float epsilon;
  private final VectorKernels kernels = Kernels.get();
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
    kernels.adagradStep(1f, grad, gradOff, weightDecay, w, base, accumulator, base, learningRate, epsilon, dim);
  }

  @Override
  public void updateScaled(int row, float alpha, float[] x, int xOff) {
    int base = row * dim;
    kernels.adagradStep(alpha, x, xOff, weightDecay, w, base, accumulator, base, learningRate, epsilon, dim);
  }

  @Override
  public void updateAffine(int row, float alpha, float[] x, int xOff, float beta) {
    int base = row * dim;
    kernels.adagradStep(alpha, x, xOff, weightDecay + beta, w, base, accumulator, base, learningRate, epsilon, dim);
  }

  @Override
  public void updateScalar(int row, float grad) {
    SgdOptimizer.checkScalar(dim);
    float wi = w[row];
    float g = grad + weightDecay * wi;
    float a = accumulator[row] + g * g;
    accumulator[row] = a;
    w[row] = wi - learningRate * g / ((float) Math.sqrt(a) + epsilon);
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

  @Override
  public void writeState(java.io.DataOutput out) throws java.io.IOException {
    out.writeInt(OptimizerKind.ADAGRAD.ordinal());
    out.writeFloat(learningRate);
    dev.funnel.io.BinaryIO.writeFloats(out, accumulator);
  }

  @Override
  public void readState(java.io.DataInput in) throws java.io.IOException {
    SgdOptimizer.expectKind(in, OptimizerKind.ADAGRAD);
    learningRate = in.readFloat();
    SgdOptimizer.readInto(in, accumulator, "Adagrad accumulator");
  }
}
