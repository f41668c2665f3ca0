package dev.funnel.train.optim;

/**
 * Sparse, row-wise (lazy) updates of an {@link EmbeddingTable}: only the row named by an update and
 * its own optimizer state change, so a step costs O(dim) whatever the table size, and rows not in a
 * batch keep their state untouched (no decay of moments or weights for absent rows).
 *
 * <p>Hogwild: {@link #update} may be called from several threads at once without locks. Weights and
 * state are plain arrays; two threads updating the same row at the same time may interleave
 * element-wise and lose writes, which is the Hogwild trade (Recht et al., NeurIPS 2011). Everything
 * else (learning-rate changes) must happen between epochs, not during them.
 */
public interface RowOptimizer {
  EmbeddingTable table();

  /** Applies one step to {@code row} with the gradient {@code grad[gradOff .. gradOff+dim)}. */
  void update(int row, float[] grad, int gradOff);

  /**
   * Applies one step to {@code row} with the gradient {@code alpha * x[xOff .. xOff+dim)}, without
   * materialising it: the common case of embedding training, where an item row's gradient is a
   * scalar times the user row (MF, BPR). Same result as {@link #update} on the scaled copy, up to
   * float rounding.
   */
  void updateScaled(int row, float alpha, float[] x, int xOff);

  /**
   * One step on a row of a dim-1 table (linear weights, biases) with gradient {@code grad}: the same
   * result as {@link #updateScaled} with x = {1}; the optimizers here override it to skip the
   * vector-kernel call per float.
   */
  default void updateScalar(int row, float grad) {
    updateScaled(row, grad, new float[] {1f}, 0);
  }

  /**
   * One step on {@code row} with the gradient {@code alpha * x[xOff .. xOff+dim) + beta * w_row}
   * (the optimizer's own L2 comes on top), without materialising it: FM's factor gradient
   * g x_i (s - v_i x_i) is this with alpha = g x_i, x = s, beta = -g x_i^2 (Rendle 2010, eq. 4).
   */
  default void updateAffine(int row, float alpha, float[] x, int xOff, float beta) {
    int dim = table().dim();
    float[] w = table().data();
    float[] grad = new float[dim];
    for (int k = 0; k < dim; k++) {
      grad[k] = alpha * x[xOff + k] + beta * w[row * dim + k];
    }
    update(row, grad, 0);
  }

  float learningRate();

  /** Changes the step size for later updates (schedules); call between epochs. */
  void setLearningRate(float learningRate);

  /** Writes the optimizer's state (learning rate, accumulators, moments) for a checkpoint. */
  void writeState(java.io.DataOutput out) throws java.io.IOException;

  /**
   * Restores state written by {@link #writeState} of an optimizer of the same kind over a table of the
   * same shape; fails naming the mismatch otherwise.
   */
  void readState(java.io.DataInput in) throws java.io.IOException;
}
