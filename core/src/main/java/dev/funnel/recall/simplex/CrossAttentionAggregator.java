package dev.funnel.recall.simplex;

import dev.funnel.kernel.VectorKernels;

/**
 * SimpleX's attention user tower (Mao et al., CIKM 2021, section 3.1, "user-item cross attention"), as
 * the reference code computes it (reczoo RecZoo {@code matching/cf/SimpleX/src/SimpleX.py},
 * {@code BehaviorAggregator.user_attention} with its {@code masked_softmax}):
 *
 * <pre>
 *   k_j     = tanh(W_k h_j + b)                          (h_j: the history rows, W_k: dim x dim)
 *   s_j     = k_j . e_u
 *   alpha_j = exp(s_j) / (sum_j exp(s_j) + P + 1e-9)
 *   a       = sum_j alpha_j h_j
 *   t       = g e_u + (1 - g) V a
 * </pre>
 *
 * P is the reference's padding term: it pads every history to one length L with zero rows, and its
 * masked softmax sets their scores to 0 rather than -inf, so each pad counts {@code exp(0) = 1} in the
 * denominator and nothing in the numerator: {@code P = L - n} for a history of n rows. The caller
 * chooses P (see {@link SimplexConfig#attentionPadding}); 0 is a plain softmax over the history.
 * Computed with the largest score {@code m = max(0, max_j s_j)} factored out of numerator and
 * denominator (the same value, no overflow of exp).
 *
 * <p>Backward, given {@code G = dL/dt}:
 *
 * <pre>
 *   dL/de_u += g G + sum_j ds_j k_j
 *   dL/dV   += (1 - g) G ⊗ a
 *   da       = (1 - g) Vᵀ G
 *   ds_j     = alpha_j (da . h_j - sum_i alpha_i (da . h_i))
 *   dz_j     = ds_j e_u ⊙ (1 - k_j²)
 *   dL/dW_k += sum_j dz_j ⊗ h_j,   dL/db += sum_j dz_j
 *   dL/dh_j += alpha_j da + W_kᵀ dz_j
 * </pre>
 *
 * Static and allocation-free: the caller owns every buffer (one set per worker thread). The key
 * products {@code W_k h_j}, their weight gradient and the history-row gradient are GEMMs on the kernels,
 * the tanh one kernel call over all the keys of a user.
 */
public final class CrossAttentionAggregator {
  /** The reference's {@code 1.e-9} in the softmax denominator. */
  static final double SOFTMAX_EPS = 1e-9;

  private CrossAttentionAggregator() {}

  /**
   * Forward pass for one user.
   *
   * @param user e_u at {@code user[userOff .. +dim)}
   * @param table the history table, row-major ({@code dim} floats per item)
   * @param history item ids; the history is {@code history[from .. to)}
   * @param wk W_k (dim x dim, row-major); {@code bk} its bias (dim)
   * @param v V (dim x dim, row-major)
   * @param pad the padding term P of the softmax denominator (>= 0)
   * @param rows receives the gathered h_j at {@code rows[rowOff + j*dim ..]}, kept for the backward pass
   * @param keys receives k_j at {@code keys[rowOff + j*dim ..]}, kept for the backward pass
   * @param alpha receives alpha_j at {@code alpha[alphaOff + j]}
   * @param agg receives a at {@code agg[aggOff .. +dim)}
   * @param out receives t at {@code out[outOff .. +dim)}
   */
  public static void forward(VectorKernels k, float[] user, int userOff, float[] table, int[] history, int from, int to,
      float[] wk, float[] bk, float[] v, float gamma, float pad, int dim, float[] rows, float[] keys, int rowOff,
      float[] alpha, int alphaOff, float[] agg, int aggOff, float[] out, int outOff) {
    keys(k, table, history, from, to, wk, bk, dim, rows, keys, rowOff);
    attend(k, user, userOff, to - from, v, gamma, pad, dim, rows, keys, rowOff, alpha, alphaOff, agg, aggOff, out,
        outOff);
  }

  /**
   * The first half of {@link #forward}, for any run of history rows (a batch does all its users' rows in
   * one GEMM): gathers h_j of {@code history[from .. to)} into {@code rows} and sets
   * {@code keys = tanh(rows W_kᵀ + b)}, both from {@code rowOff}.
   */
  public static void keys(VectorKernels k, float[] table, int[] history, int from, int to, float[] wk, float[] bk,
      int dim, float[] rows, float[] keys, int rowOff) {
    int n = to - from;
    if (n == 0) {
      return;
    }
    for (int j = 0; j < n; j++) {
      System.arraycopy(table, history[from + j] * dim, rows, rowOff + j * dim, dim);
    }
    java.util.Arrays.fill(keys, rowOff, rowOff + n * dim, 0f);
    k.gemm(rows, rowOff, n, wk, 0, dim, dim, keys, rowOff, dim);
    for (int j = 0; j < n; j++) {
      k.axpy(1f, bk, 0, keys, rowOff + j * dim, dim);
    }
    k.tanh(keys, rowOff, n * dim);
  }

  /** The second half of {@link #forward} for one user of n rows whose {@link #keys} are set. */
  public static void attend(VectorKernels k, float[] user, int userOff, int n, float[] v, float gamma, float pad,
      int dim, float[] rows, float[] keys, int rowOff, float[] alpha, int alphaOff, float[] agg, int aggOff,
      float[] out, int outOff) {
    for (int d = 0; d < dim; d++) {
      agg[aggOff + d] = 0f;
    }
    if (n > 0) {
      float max = 0f;
      for (int j = 0; j < n; j++) {
        int off = rowOff + j * dim;
        float s = k.dot(keys, off, user, userOff, dim);
        alpha[alphaOff + j] = s;
        max = Math.max(max, s);
      }
      double sum = (pad + SOFTMAX_EPS) * Math.exp(-max);
      for (int j = 0; j < n; j++) {
        float x = (float) Math.exp(alpha[alphaOff + j] - max);
        alpha[alphaOff + j] = x;
        sum += x;
      }
      float inv = (float) (1.0 / sum);
      for (int j = 0; j < n; j++) {
        float a = alpha[alphaOff + j] * inv;
        alpha[alphaOff + j] = a;
        k.axpy(a, rows, rowOff + j * dim, agg, aggOff, dim);
      }
    }
    float rest = 1f - gamma;
    for (int r = 0; r < dim; r++) {
      out[outOff + r] = gamma * user[userOff + r] + rest * k.dot(v, r * dim, agg, aggOff, dim);
    }
  }

  /**
   * Backward pass for one user: accumulates into the gradient buffers (nothing is overwritten).
   *
   * @param gradOut dL/dt at {@code gradOut[gradOff .. +dim)}
   * @param rows, keys, alpha, agg what {@link #forward} left for this user
   * @param gradUser dL/de_u is added at {@code gradUser[gradUserOff .. +dim)}
   * @param gradWk, gradBk, gradV dL/dW_k (dim x dim), dL/db (dim), dL/dV (dim x dim) are added to
   * @param gradTable dense, indexed like the history table: dL/dh_j is added at {@code gradTable[item*dim ..]}
   * @param scratch at least dim floats
   * @param dz, dRows scratch indexed like {@code rows} (from {@code rowOff}, {@code (to - from) * dim} floats)
   */
  public static void backward(VectorKernels k, float[] gradOut, int gradOff, float[] user, int userOff,
      int[] history, int from, int to, float[] wk, float[] v, float gamma, int dim, float[] rows, float[] keys,
      int rowOff, float[] alpha, int alphaOff, float[] agg, int aggOff, float[] gradUser, int gradUserOff,
      float[] gradWk, float[] gradBk, float[] gradV, float[] gradTable, float[] scratch, float[] dz, float[] dRows) {
    backwardAttend(k, gradOut, gradOff, user, userOff, to - from, v, gamma, dim, rows, keys, rowOff, alpha, alphaOff,
        agg, aggOff, gradUser, gradUserOff, gradBk, gradV, scratch, dz, dRows);
    backwardKeys(k, history, from, to, wk, dim, rows, rowOff, dz, dRows, gradWk, gradTable);
  }

  /**
   * The backward pass of {@link #attend} for one user of n rows: adds to dL/de_u, dL/db, dL/dV and sets
   * (overwrites) dz_j and the direct part {@code alpha_j da} of dL/dh_j at {@code dz, dRows [rowOff ..)}.
   */
  public static void backwardAttend(VectorKernels k, float[] gradOut, int gradOff, float[] user, int userOff, int n,
      float[] v, float gamma, int dim, float[] rows, float[] keys, int rowOff, float[] alpha, int alphaOff,
      float[] agg, int aggOff, float[] gradUser, int gradUserOff, float[] gradBk, float[] gradV, float[] scratch,
      float[] dz, float[] dRows) {
    float rest = 1f - gamma;
    for (int d = 0; d < dim; d++) {
      gradUser[gradUserOff + d] += gamma * gradOut[gradOff + d];
      scratch[d] = 0f;
    }
    for (int r = 0; r < dim; r++) {
      float dh = rest * gradOut[gradOff + r];
      k.axpy(dh, agg, aggOff, gradV, r * dim, dim);
      k.axpy(dh, v, r * dim, scratch, 0, dim);
    }
    if (n == 0) {
      return;
    }
    // scratch = da; dRows_j = alpha_j da (the direct path), dz_j holds da . h_j until ds_j is known
    double weighted = 0;
    for (int j = 0; j < n; j++) {
      int off = rowOff + j * dim;
      float a = alpha[alphaOff + j];
      float dAlpha = k.dot(scratch, 0, rows, off, dim);
      dz[rowOff + j] = dAlpha; // below row j's dz, which is written after it is read (rows descending)
      weighted += a * dAlpha;
      for (int d = 0; d < dim; d++) {
        dRows[off + d] = a * scratch[d];
      }
    }
    float mean = (float) weighted;
    for (int j = n - 1; j >= 0; j--) {
      float ds = alpha[alphaOff + j] * (dz[rowOff + j] - mean);
      int off = rowOff + j * dim;
      k.axpy(ds, keys, off, gradUser, gradUserOff, dim);
      for (int d = 0; d < dim; d++) {
        float key = keys[off + d];
        float g = ds * user[userOff + d] * (1f - key * key);
        dz[off + d] = g;
        gradBk[d] += g;
      }
    }
  }

  /**
   * The backward pass of {@link #keys} for any run of rows (a batch does all its users' rows in two GEMMs),
   * after {@link #backwardAttend} set their dz and dRows: {@code dL/dW_k += dzᵀ rows}, {@code dRows += dz W_k},
   * and each row of dRows is added to its item's row of {@code gradTable}.
   */
  public static void backwardKeys(VectorKernels k, int[] history, int from, int to, float[] wk, int dim,
      float[] rows, int rowOff, float[] dz, float[] dRows, float[] gradWk, float[] gradTable) {
    int n = to - from;
    if (n == 0) {
      return;
    }
    k.gemmTN(dz, rowOff, dim, rows, rowOff, dim, n, gradWk, 0, dim);
    k.gemmNN(dz, rowOff, n, wk, 0, dim, dim, dRows, rowOff, dim);
    for (int j = 0; j < n; j++) {
      k.axpy(1f, dRows, rowOff + j * dim, gradTable, history[from + j] * dim, dim);
    }
  }
}
