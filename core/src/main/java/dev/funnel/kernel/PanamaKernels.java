package dev.funnel.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels on the incubating Vector API ({@code jdk.incubator.vector}) with
 * {@link FloatVector#SPECIES_PREFERRED} (16 float lanes with AVX-512, 8 with AVX2) and fused
 * multiply-add. Reductions keep four independent vector accumulators (loop unrolled by 4 lanes-widths)
 * to hide FMA latency and reduce across lanes once at the end; tails shorter than a vector run in
 * scalar code (masked loads are slow on some JDK 17 / AVX2 combinations, as Lucene found).
 *
 * <p>Never reference this class directly: {@link Kernels} loads it reflectively, only when the
 * module is in the boot layer, so a JVM started without {@code --add-modules jdk.incubator.vector}
 * never fails with {@code NoClassDefFoundError}.
 */
final class PanamaKernels implements VectorKernels {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  /** GEMM micro-tile: MR rows of A times NR = 2 vectors of B rows (8 accumulators + 3 operands: fits AVX2's 16 registers). */
  private static final int MR = 4;
  private static final int NR = 2 * LANES;
  /** Floats of B packed per GEMM panel: 64 KiB, to stay in L2 while every row tile of A passes over it. */
  private static final int PANEL_FLOATS = 16 * 1024;

  /** Public for reflection only; see the class comment. */
  public PanamaKernels() {
    if (LANES < 2) {
      throw new UnsupportedOperationException("the preferred float vector species has " + LANES
          + " lane; SIMD would be slower than scalar code");
    }
  }

  static int lanes() {
    return LANES;
  }

  @Override
  public String name() {
    return "panama-" + SPECIES.vectorBitSize() + "bit";
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    Windows.check(a, aOff, n);
    Windows.check(b, bOff, n);
    return dotUnchecked(a, aOff, b, bOff, n);
  }

  private static float dotUnchecked(float[] a, int aOff, float[] b, int bOff, int n) {
    int i = 0;
    float sum = 0f;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      for (int bound4 = n - n % (4 * LANES); i < bound4; i += 4 * LANES) {
        acc0 = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), acc0);
        acc1 = FloatVector.fromArray(SPECIES, a, aOff + i + LANES)
            .fma(FloatVector.fromArray(SPECIES, b, bOff + i + LANES), acc1);
        acc2 = FloatVector.fromArray(SPECIES, a, aOff + i + 2 * LANES)
            .fma(FloatVector.fromArray(SPECIES, b, bOff + i + 2 * LANES), acc2);
        acc3 = FloatVector.fromArray(SPECIES, a, aOff + i + 3 * LANES)
            .fma(FloatVector.fromArray(SPECIES, b, bOff + i + 3 * LANES), acc3);
      }
      for (; i < bound; i += LANES) {
        acc0 = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), acc0);
      }
      sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    }
    for (; i < n; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    Windows.check(x, xOff, n);
    Windows.check(y, yOff, n);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector va = FloatVector.broadcast(SPECIES, alpha);
      for (; i < bound; i += LANES) {
        FloatVector vy = FloatVector.fromArray(SPECIES, y, yOff + i);
        FloatVector.fromArray(SPECIES, x, xOff + i).fma(va, vy).intoArray(y, yOff + i);
      }
    }
    for (; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  /** Output blocks of 4 vectors (64 floats with AVX-512) stay in registers over all the indexed rows. */
  @Override
  public void gatherRows(int[] index, float[] weights, int from, int to, float[] x, int dim, float[] y, int yOff) {
    Windows.check(y, yOff, dim);
    if (from < 0 || to > index.length || to > weights.length) {
      throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") outside index (" + index.length
          + ") or weights (" + weights.length + ")");
    }
    int c = 0;
    for (; c + 4 * LANES <= dim; c += 4 * LANES) {
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      for (int p = from; p < to; p++) {
        FloatVector w = FloatVector.broadcast(SPECIES, weights[p]);
        int base = Math.multiplyExact(index[p], dim) + c;
        acc0 = FloatVector.fromArray(SPECIES, x, base).fma(w, acc0);
        acc1 = FloatVector.fromArray(SPECIES, x, base + LANES).fma(w, acc1);
        acc2 = FloatVector.fromArray(SPECIES, x, base + 2 * LANES).fma(w, acc2);
        acc3 = FloatVector.fromArray(SPECIES, x, base + 3 * LANES).fma(w, acc3);
      }
      acc0.intoArray(y, yOff + c);
      acc1.intoArray(y, yOff + c + LANES);
      acc2.intoArray(y, yOff + c + 2 * LANES);
      acc3.intoArray(y, yOff + c + 3 * LANES);
    }
    for (; c + LANES <= dim; c += LANES) {
      FloatVector acc = FloatVector.zero(SPECIES);
      for (int p = from; p < to; p++) {
        acc = FloatVector.fromArray(SPECIES, x, Math.multiplyExact(index[p], dim) + c)
            .fma(FloatVector.broadcast(SPECIES, weights[p]), acc);
      }
      acc.intoArray(y, yOff + c);
    }
    for (; c < dim; c++) {
      float sum = 0f;
      for (int p = from; p < to; p++) {
        sum += weights[p] * x[Math.multiplyExact(index[p], dim) + c];
      }
      y[yOff + c] = sum;
    }
  }

  @Override
  public void scale(float alpha, float[] x, int off, int n) {
    Windows.check(x, off, n);
    int i = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector va = FloatVector.broadcast(SPECIES, alpha);
      for (; i < bound; i += LANES) {
        FloatVector.fromArray(SPECIES, x, off + i).mul(va).intoArray(x, off + i);
      }
    }
    for (; i < n; i++) {
      x[off + i] *= alpha;
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
    int i = 0;
    float sum = 0f;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      for (int bound4 = n - n % (4 * LANES); i < bound4; i += 4 * LANES) {
        FloatVector d0 = FloatVector.fromArray(SPECIES, a, aOff + i).sub(FloatVector.fromArray(SPECIES, b, bOff + i));
        FloatVector d1 = FloatVector.fromArray(SPECIES, a, aOff + i + LANES)
            .sub(FloatVector.fromArray(SPECIES, b, bOff + i + LANES));
        FloatVector d2 = FloatVector.fromArray(SPECIES, a, aOff + i + 2 * LANES)
            .sub(FloatVector.fromArray(SPECIES, b, bOff + i + 2 * LANES));
        FloatVector d3 = FloatVector.fromArray(SPECIES, a, aOff + i + 3 * LANES)
            .sub(FloatVector.fromArray(SPECIES, b, bOff + i + 3 * LANES));
        acc0 = d0.fma(d0, acc0);
        acc1 = d1.fma(d1, acc1);
        acc2 = d2.fma(d2, acc2);
        acc3 = d3.fma(d3, acc3);
      }
      for (; i < bound; i += LANES) {
        FloatVector d = FloatVector.fromArray(SPECIES, a, aOff + i).sub(FloatVector.fromArray(SPECIES, b, bOff + i));
        acc0 = d.fma(d, acc0);
      }
      sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    }
    for (; i < n; i++) {
      float d = a[aOff + i] - b[bOff + i];
      sum += d * d;
    }
    return sum;
  }

  /**
   * Four rows at a time share each load of the query, so the loop does 5 loads per 4 FMAs instead
   * of 2 per 1; one cross-lane reduction per row remains (the matrix is not transposed).
   */
  @Override
  public void dotRows(float[] query, int qOff, float[] matrix, int mOff, int rows, int dim, float[] out, int outOff) {
    Windows.checkRows(query, qOff, matrix, mOff, rows, dim, out, outOff);
    int bound = SPECIES.loopBound(dim);
    int r = 0;
    if (bound > 0) {
      for (; r + 4 <= rows; r += 4) {
        int r0 = mOff + r * dim;
        int r1 = r0 + dim;
        int r2 = r1 + dim;
        int r3 = r2 + dim;
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = FloatVector.zero(SPECIES);
        FloatVector s2 = FloatVector.zero(SPECIES);
        FloatVector s3 = FloatVector.zero(SPECIES);
        int p = 0;
        for (; p < bound; p += LANES) {
          FloatVector q = FloatVector.fromArray(SPECIES, query, qOff + p);
          s0 = FloatVector.fromArray(SPECIES, matrix, r0 + p).fma(q, s0);
          s1 = FloatVector.fromArray(SPECIES, matrix, r1 + p).fma(q, s1);
          s2 = FloatVector.fromArray(SPECIES, matrix, r2 + p).fma(q, s2);
          s3 = FloatVector.fromArray(SPECIES, matrix, r3 + p).fma(q, s3);
        }
        float d0 = s0.reduceLanes(VectorOperators.ADD);
        float d1 = s1.reduceLanes(VectorOperators.ADD);
        float d2 = s2.reduceLanes(VectorOperators.ADD);
        float d3 = s3.reduceLanes(VectorOperators.ADD);
        for (; p < dim; p++) {
          float qp = query[qOff + p];
          d0 += matrix[r0 + p] * qp;
          d1 += matrix[r1 + p] * qp;
          d2 += matrix[r2 + p] * qp;
          d3 += matrix[r3 + p] * qp;
        }
        out[outOff + r] = d0;
        out[outOff + r + 1] = d1;
        out[outOff + r + 2] = d2;
        out[outOff + r + 3] = d3;
      }
    }
    // At most 3 leftover rows: scalar, because vector code that runs once per call may never get
    // compiled by C2, and interpreted or C1 Vector API code boxes every vector (slow and allocating).
    for (; r < rows; r++) {
      int row = mOff + r * dim;
      float d = 0f;
      for (int p = 0; p < dim; p++) {
        d += query[qOff + p] * matrix[row + p];
      }
      out[outOff + r] = d;
    }
  }

  /**
   * {@code C += A·Bᵀ}, the BLIS/GotoBLAS way: rows of B are packed, a panel at a time, into
   * micro-panels of NR items laid out p-major ({@code panel[g][p][0..NR)}), so the micro-kernel
   * reads B with unit stride and no cross-lane reduction is needed. The micro-kernel keeps an
   * MR x NR block of C in 8 vector registers; per step p it loads 2 vectors of B, broadcasts MR
   * values of A and issues 8 FMAs. Packing costs one copy of B per call, amortised over the m rows
   * of A (full-sort scoring calls this with blocks of dozens of users). Columns past n are packed
   * as zeros and their results dropped.
   */
  @Override
  public void gemm(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    Windows.checkGemm(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
    if (m == 0 || n == 0 || k == 0) {
      return;
    }
    int panelCols = Math.max(NR, PANEL_FLOATS / k / NR * NR);
    panelCols = Math.min(panelCols, (n + NR - 1) / NR * NR);
    float[] panel = new float[panelCols * k];
    float[] edge = new float[NR];
    for (int j0 = 0; j0 < n; j0 += panelCols) {
      int cols = Math.min(panelCols, n - j0);
      pack(b, bOff + j0 * k, cols, k, panel);
      int groups = (cols + NR - 1) / NR;
      int i = 0;
      for (; i + MR <= m; i += MR) {
        for (int g = 0; g < groups; g++) {
          int jg = g * NR;
          microKernel4(a, aOff + i * k, k, panel, g * k * NR, c, cOff + i * ldc + j0 + jg, ldc,
              Math.min(NR, cols - jg), edge);
        }
      }
      for (; i < m; i++) {
        for (int g = 0; g < groups; g++) {
          int jg = g * NR;
          microKernel1(a, aOff + i * k, k, panel, g * k * NR, c, cOff + i * ldc + j0 + jg, Math.min(NR, cols - jg), edge);
        }
      }
    }
  }

  /** Copies {@code cols} rows of B (length k each) into p-major micro-panels of NR, zero-padded. */
  private static void pack(float[] b, int bOff, int cols, int k, float[] panel) {
    int groups = (cols + NR - 1) / NR;
    for (int g = 0; g < groups; g++) {
      int base = g * k * NR;
      for (int jj = 0; jj < NR; jj++) {
        int j = g * NR + jj;
        if (j < cols) {
          int row = bOff + j * k;
          for (int p = 0; p < k; p++) {
            panel[base + p * NR + jj] = b[row + p];
          }
        } else {
          for (int p = 0; p < k; p++) {
            panel[base + p * NR + jj] = 0f;
          }
        }
      }
    }
  }

  private static void microKernel4(float[] a, int a0, int k, float[] panel, int pOff, float[] c, int c0, int ldc,
      int cols, float[] edge) {
    int a1 = a0 + k;
    int a2 = a1 + k;
    int a3 = a2 + k;
    FloatVector c00 = FloatVector.zero(SPECIES);
    FloatVector c01 = FloatVector.zero(SPECIES);
    FloatVector c10 = FloatVector.zero(SPECIES);
    FloatVector c11 = FloatVector.zero(SPECIES);
    FloatVector c20 = FloatVector.zero(SPECIES);
    FloatVector c21 = FloatVector.zero(SPECIES);
    FloatVector c30 = FloatVector.zero(SPECIES);
    FloatVector c31 = FloatVector.zero(SPECIES);
    for (int p = 0, bp = pOff; p < k; p++, bp += NR) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, panel, bp);
      FloatVector b1 = FloatVector.fromArray(SPECIES, panel, bp + LANES);
      FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + p]);
      c00 = b0.fma(x, c00);
      c01 = b1.fma(x, c01);
      x = FloatVector.broadcast(SPECIES, a[a1 + p]);
      c10 = b0.fma(x, c10);
      c11 = b1.fma(x, c11);
      x = FloatVector.broadcast(SPECIES, a[a2 + p]);
      c20 = b0.fma(x, c20);
      c21 = b1.fma(x, c21);
      x = FloatVector.broadcast(SPECIES, a[a3 + p]);
      c30 = b0.fma(x, c30);
      c31 = b1.fma(x, c31);
    }
    // Stores are written out here, not in helpers: a vector passed to a call that C2 does not
    // inline must be boxed, and that can force boxing inside the hot loop too (seen on JDK 25).
    int c1 = c0 + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    if (cols == NR) {
      FloatVector.fromArray(SPECIES, c, c0).add(c00).intoArray(c, c0);
      FloatVector.fromArray(SPECIES, c, c0 + LANES).add(c01).intoArray(c, c0 + LANES);
      FloatVector.fromArray(SPECIES, c, c1).add(c10).intoArray(c, c1);
      FloatVector.fromArray(SPECIES, c, c1 + LANES).add(c11).intoArray(c, c1 + LANES);
      FloatVector.fromArray(SPECIES, c, c2).add(c20).intoArray(c, c2);
      FloatVector.fromArray(SPECIES, c, c2 + LANES).add(c21).intoArray(c, c2 + LANES);
      FloatVector.fromArray(SPECIES, c, c3).add(c30).intoArray(c, c3);
      FloatVector.fromArray(SPECIES, c, c3 + LANES).add(c31).intoArray(c, c3 + LANES);
    } else {
      c00.intoArray(edge, 0);
      c01.intoArray(edge, LANES);
      addEdge(c, c0, edge, cols);
      c10.intoArray(edge, 0);
      c11.intoArray(edge, LANES);
      addEdge(c, c1, edge, cols);
      c20.intoArray(edge, 0);
      c21.intoArray(edge, LANES);
      addEdge(c, c2, edge, cols);
      c30.intoArray(edge, 0);
      c31.intoArray(edge, LANES);
      addEdge(c, c3, edge, cols);
    }
  }

  private static void microKernel1(float[] a, int a0, int k, float[] panel, int pOff, float[] c, int c0, int cols,
      float[] edge) {
    FloatVector c00 = FloatVector.zero(SPECIES);
    FloatVector c01 = FloatVector.zero(SPECIES);
    for (int p = 0, bp = pOff; p < k; p++, bp += NR) {
      FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + p]);
      c00 = FloatVector.fromArray(SPECIES, panel, bp).fma(x, c00);
      c01 = FloatVector.fromArray(SPECIES, panel, bp + LANES).fma(x, c01);
    }
    if (cols == NR) {
      FloatVector.fromArray(SPECIES, c, c0).add(c00).intoArray(c, c0);
      FloatVector.fromArray(SPECIES, c, c0 + LANES).add(c01).intoArray(c, c0 + LANES);
    } else {
      c00.intoArray(edge, 0);
      c01.intoArray(edge, LANES);
      addEdge(c, c0, edge, cols);
    }
  }

  /** Right edge of C: the tile row was spilled to {@code edge}; add only the columns that exist. */
  private static void addEdge(float[] c, int at, float[] edge, int cols) {
    for (int j = 0; j < cols; j++) {
      c[at + j] += edge[j];
    }
  }
}
