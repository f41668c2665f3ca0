package dev.funnel.kernel;

/**
 * Plain-Java twin of {@link PanamaKernels}: the reference in tests and the fallback when the Vector
 * API is not available. Reductions use four independent accumulators, which breaks the add latency
 * chain (C2 does not vectorise float reductions because that would reorder the sum); element-wise
 * loops (axpy, scale) are left simple so that C2's superword pass can vectorise them itself.
 */
public final class ScalarKernels implements VectorKernels {
  /** Rows of A and rows of B per GEMM micro-tile: 4x4 = 16 accumulators, fits 16 SSE registers. */
  private static final int TILE = 4;

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    Windows.check(a, aOff, n);
    Windows.check(b, bOff, n);
    return dotUnchecked(a, aOff, b, bOff, n);
  }

  private static float dotUnchecked(float[] a, int aOff, float[] b, int bOff, int n) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int i = 0;
    for (int end = n & ~3; i < end; i += 4) {
      s0 += a[aOff + i] * b[bOff + i];
      s1 += a[aOff + i + 1] * b[bOff + i + 1];
      s2 += a[aOff + i + 2] * b[bOff + i + 2];
      s3 += a[aOff + i + 3] * b[bOff + i + 3];
    }
    for (; i < n; i++) {
      s0 += a[aOff + i] * b[bOff + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    Windows.check(x, xOff, n);
    Windows.check(y, yOff, n);
    for (int i = 0; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  @Override
  public void scale(float alpha, float[] x, int off, int n) {
    Windows.check(x, off, n);
    for (int i = 0; i < n; i++) {
      x[off + i] *= alpha;
    }
  }

  /** {@link Tanh#of} element by element. */
  @Override
  public void tanh(float[] x, int off, int n) {
    Windows.check(x, off, n);
    for (int i = 0; i < n; i++) {
      x[off + i] = Tanh.of(x[off + i]);
    }
  }

  @Override
  public float sumOfSquares(float[] x, int off, int n) {
    Windows.check(x, off, n);
    return dotUnchecked(x, off, x, off, n);
  }

  @Override
  public float squaredDistance(float[] a, int aOff, float[] b, int bOff, int n) {
    Windows.check(a, aOff, n);
    Windows.check(b, bOff, n);
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int i = 0;
    for (int end = n & ~3; i < end; i += 4) {
      float d0 = a[aOff + i] - b[bOff + i];
      float d1 = a[aOff + i + 1] - b[bOff + i + 1];
      float d2 = a[aOff + i + 2] - b[bOff + i + 2];
      float d3 = a[aOff + i + 3] - b[bOff + i + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < n; i++) {
      float d = a[aOff + i] - b[bOff + i];
      s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void dotRows(float[] query, int qOff, float[] matrix, int mOff, int rows, int dim, float[] out, int outOff) {
    Windows.checkRows(query, qOff, matrix, mOff, rows, dim, out, outOff);
    for (int r = 0; r < rows; r++) {
      out[outOff + r] = dotUnchecked(query, qOff, matrix, mOff + r * dim, dim);
    }
  }

  /**
   * {@code C += A·Bᵀ} by 4x4 tiles: each step over p loads 4 values of A and 4 of B and does 16
   * multiply-adds, so loads per flop drop fourfold against one dot per cell. Edge rows and columns
   * fall back to single dots.
   */
  @Override
  public void gemm(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    Windows.checkGemm(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
    int mTiled = m - m % TILE;
    int nTiled = n - n % TILE;
    for (int i = 0; i < mTiled; i += TILE) {
      int a0 = aOff + i * k;
      int a1 = a0 + k;
      int a2 = a1 + k;
      int a3 = a2 + k;
      for (int j = 0; j < nTiled; j += TILE) {
        tile4x4(a, a0, a1, a2, a3, b, bOff + j * k, k, c, cOff + i * ldc + j, ldc);
      }
      for (int j = nTiled; j < n; j++) {
        int bj = bOff + j * k;
        int cij = cOff + i * ldc + j;
        c[cij] += dotUnchecked(a, a0, b, bj, k);
        c[cij + ldc] += dotUnchecked(a, a1, b, bj, k);
        c[cij + 2 * ldc] += dotUnchecked(a, a2, b, bj, k);
        c[cij + 3 * ldc] += dotUnchecked(a, a3, b, bj, k);
      }
    }
    for (int i = mTiled; i < m; i++) {
      int ai = aOff + i * k;
      int ci = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        c[ci + j] += dotUnchecked(a, ai, b, bOff + j * k, k);
      }
    }
  }

  /** {@code C += A·B} row by row: each C row gains a[i][p] times B's row p, a loop C2 vectorises. */
  @Override
  public void gemmNN(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    Windows.checkGemmNN(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      for (int p = 0; p < k; p++) {
        float x = a[aOff + i * k + p];
        int bp = bOff + p * n;
        for (int j = 0; j < n; j++) {
          c[ci + j] += x * b[bp + j];
        }
      }
    }
  }

  /** {@code C += Aᵀ·B} as a sum of k rank-1 updates (row p of A times row p of B), in order of p. */
  @Override
  public void gemmTN(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    Windows.checkGemmTN(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
    for (int p = 0; p < k; p++) {
      int ap = aOff + p * m;
      int bp = bOff + p * n;
      for (int i = 0; i < m; i++) {
        float x = a[ap + i];
        int ci = cOff + i * ldc;
        for (int j = 0; j < n; j++) {
          c[ci + j] += x * b[bp + j];
        }
      }
    }
  }

  /** The loop of {@code AdamOptimizer}'s row step, operation for operation. */
  @Override
  public void adamStep(float alpha, float[] grad, int gOff, float decay, float[] w, int wOff, float[] moments, int mOff, int vOff,
      float beta1, float beta2, float lr, float c1, float c2, float eps, int n) {
    Windows.check(grad, gOff, n);
    Windows.check(w, wOff, n);
    Windows.check(moments, mOff, n);
    Windows.check(moments, vOff, n);
    for (int k = 0; k < n; k++) {
      float wk = w[wOff + k];
      float g = alpha * grad[gOff + k] + decay * wk;
      float mk = beta1 * moments[mOff + k] + (1 - beta1) * g;
      float vk = beta2 * moments[vOff + k] + (1 - beta2) * g * g;
      moments[mOff + k] = mk;
      moments[vOff + k] = vk;
      w[wOff + k] = wk - lr * (mk * c1) / ((float) Math.sqrt(vk * c2) + eps);
    }
  }

  @Override
  public void adamDecaySteps(float[] w, int wOff, float[] moments, int mOff, int vOff, float decay, float beta1,
      float beta2, float lr, float[] c1, float[] c2, int fromStep, int steps, float eps, int n) {
    Windows.check(w, wOff, n);
    Windows.check(moments, mOff, n);
    Windows.check(moments, vOff, n);
    for (int k = 0; k < n; k++) {
      float wk = w[wOff + k];
      float mk = moments[mOff + k];
      float vk = moments[vOff + k];
      for (int s = fromStep; s < fromStep + steps; s++) {
        float a = s < c1.length ? c1[s] : 1f;
        float b = s < c2.length ? c2[s] : 1f;
        float g = decay * wk;
        mk = beta1 * mk + (1 - beta1) * g;
        vk = beta2 * vk + (1 - beta2) * g * g;
        wk = wk - lr * (mk * a) / ((float) Math.sqrt(vk * b) + eps);
      }
      w[wOff + k] = wk;
      moments[mOff + k] = mk;
      moments[vOff + k] = vk;
    }
  }

  @Override
  public void reluBackward(float[] z, int zOff, float[] dy, int dyOff, float[] dz, int dzOff, int n) {
    Windows.check(z, zOff, n);
    Windows.check(dy, dyOff, n);
    Windows.check(dz, dzOff, n);
    for (int i = 0; i < n; i++) {
      dz[dzOff + i] = z[zOff + i] > 0f ? dy[dyOff + i] : 0f;
    }
  }

  private static void tile4x4(float[] a, int a0, int a1, int a2, int a3, float[] b, int b0, int k,
      float[] c, int c0, int ldc) {
    int b1 = b0 + k;
    int b2 = b1 + k;
    int b3 = b2 + k;
    float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
    float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
    float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
    float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
    for (int p = 0; p < k; p++) {
      float x0 = a[a0 + p];
      float x1 = a[a1 + p];
      float x2 = a[a2 + p];
      float x3 = a[a3 + p];
      float y0 = b[b0 + p];
      float y1 = b[b1 + p];
      float y2 = b[b2 + p];
      float y3 = b[b3 + p];
      c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
      c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
      c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
      c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
    }
    c[c0] += c00; c[c0 + 1] += c01; c[c0 + 2] += c02; c[c0 + 3] += c03;
    c0 += ldc;
    c[c0] += c10; c[c0 + 1] += c11; c[c0 + 2] += c12; c[c0 + 3] += c13;
    c0 += ldc;
    c[c0] += c20; c[c0 + 1] += c21; c[c0 + 2] += c22; c[c0 + 3] += c23;
    c0 += ldc;
    c[c0] += c30; c[c0 + 1] += c31; c[c0 + 2] += c32; c[c0 + 3] += c33;
  }

  @Override
  public void adagradStep(float alpha, float[] x, int xOff, float decay, float[] w, int wOff, float[] acc, int accOff,
      float lr, float eps, int n) {
    Windows.check(x, xOff, n);
    Windows.check(w, wOff, n);
    Windows.check(acc, accOff, n);
    for (int i = 0; i < n; i++) {
      float wi = w[wOff + i];
      float g = alpha * x[xOff + i] + decay * wi;
      float a = acc[accOff + i] + g * g;
      acc[accOff + i] = a;
      w[wOff + i] = wi - lr * g / ((float) Math.sqrt(a) + eps);
    }
  }
}
