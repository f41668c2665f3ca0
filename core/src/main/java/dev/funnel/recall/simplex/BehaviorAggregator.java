package dev.funnel.recall.simplex;

/**
 * SimpleX's user tower (Mao et al., CIKM 2021, section 3.1): the user's own embedding fused with a
 * linear map of the mean of the embeddings of the items in the user's history,
 *
 * <pre>
 *   a = (1 / |H|) * sum_{i in H} q_i            (mean aggregation; a = 0 when H is empty)
 *   h = V a                                     (V: dim x dim, row-major)
 *   t = g * e_u + (1 - g) * h                   (g = gamma)
 * </pre>
 *
 * and its backward pass: given dL/dt,
 *
 * <pre>
 *   dL/de_u = g * dL/dt
 *   dL/dV  += (1 - g) * dL/dt ⊗ a               (outer product)
 *   dL/dq_i += (1 - g) * Vᵀ dL/dt / |H|         for every i in H
 * </pre>
 *
 * Static and allocation-free: the caller owns all buffers (one set per worker thread).
 */
public final class BehaviorAggregator {
  private BehaviorAggregator() {}

  /**
   * Forward pass for one user.
   *
   * @param user e_u at {@code user[userOff .. +dim)}
   * @param items item table, row-major ({@code dim} floats per item)
   * @param history item ids; the history is {@code history[from .. to)}
   * @param v the dim x dim matrix V, row-major
   * @param mean receives a at {@code mean[meanOff .. +dim)} (kept for the backward pass)
   * @param out receives t at {@code out[outOff .. +dim)}
   */
  public static void forward(float[] user, int userOff, float[] items, int[] history, int from, int to, float[] v,
      float gamma, int dim, float[] mean, int meanOff, float[] out, int outOff) {
    for (int k = 0; k < dim; k++) {
      mean[meanOff + k] = 0f;
    }
    for (int p = from; p < to; p++) {
      int off = history[p] * dim;
      for (int k = 0; k < dim; k++) {
        mean[meanOff + k] += items[off + k];
      }
    }
    if (to > from) {
      float inv = 1f / (to - from);
      for (int k = 0; k < dim; k++) {
        mean[meanOff + k] *= inv;
      }
    }
    float rest = 1f - gamma;
    for (int r = 0; r < dim; r++) {
      float h = 0f;
      int vOff = r * dim;
      for (int k = 0; k < dim; k++) {
        h += v[vOff + k] * mean[meanOff + k];
      }
      out[outOff + r] = gamma * user[userOff + r] + rest * h;
    }
  }

  /**
   * Backward pass for one user: accumulates into the three gradient buffers (nothing is overwritten).
   *
   * @param gradOut dL/dt at {@code gradOut[gradOff .. +dim)}
   * @param mean the a computed by {@link #forward}
   * @param gradUser dL/de_u is added at {@code gradUser[gradUserOff .. +dim)}
   * @param gradV dL/dV (dim x dim, row-major) is added to
   * @param gradItems dense, indexed like the item table: dL/dq_i is added at {@code gradItems[i*dim ..]}
   * @param scratch at least dim floats
   */
  public static void backward(float[] gradOut, int gradOff, float[] mean, int meanOff, int[] history, int from, int to,
      float[] v, float gamma, int dim, float[] gradUser, int gradUserOff, float[] gradV, float[] gradItems,
      float[] scratch) {
    float rest = 1f - gamma;
    for (int k = 0; k < dim; k++) {
      gradUser[gradUserOff + k] += gamma * gradOut[gradOff + k];
      scratch[k] = 0f;
    }
    for (int r = 0; r < dim; r++) {
      float dh = rest * gradOut[gradOff + r];
      int vOff = r * dim;
      for (int k = 0; k < dim; k++) {
        gradV[vOff + k] += dh * mean[meanOff + k];
        scratch[k] += v[vOff + k] * dh;
      }
    }
    if (to == from) {
      return;
    }
    float inv = 1f / (to - from);
    for (int k = 0; k < dim; k++) {
      scratch[k] *= inv;
    }
    for (int p = from; p < to; p++) {
      int off = history[p] * dim;
      for (int k = 0; k < dim; k++) {
        gradItems[off + k] += scratch[k];
      }
    }
  }
}
