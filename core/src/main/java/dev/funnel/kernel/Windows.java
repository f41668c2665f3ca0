package dev.funnel.kernel;

import java.util.Objects;

/** Up-front bounds checks shared by the kernel implementations, so both fail the same way. */
final class Windows {
  private Windows() {}

  static void check(float[] x, int off, int n) {
    Objects.checkFromIndexSize(off, n, x.length);
  }

  /** A row-major {@code rows x cols} block with row stride {@code stride} starting at {@code off}. */
  static void checkMatrix(String name, float[] x, int off, int rows, int cols, int stride) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(name + " dimensions must be >= 0; rows=" + rows + ", cols=" + cols);
    }
    if (stride < cols) {
      throw new IllegalArgumentException(name + " row stride must be >= its columns; stride=" + stride + ", cols=" + cols);
    }
    if (off < 0) {
      throw new IndexOutOfBoundsException(name + " offset must be >= 0; offset=" + off);
    }
    if (rows == 0 || cols == 0) {
      return;
    }
    long end = off + (long) (rows - 1) * stride + cols;
    if (end > x.length) {
      throw new IndexOutOfBoundsException(name + " block [" + off + ", " + end + ") of " + rows + "x" + cols
          + " (stride " + stride + ") is outside an array of length " + x.length);
    }
  }

  static void checkGemm(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0; k=" + k);
    }
    checkMatrix("A", a, aOff, m, k, k);
    checkMatrix("B", b, bOff, n, k, k);
    checkMatrix("C", c, cOff, m, n, ldc);
  }

  /** {@code C += A·B}: A m x k, B k x n, both dense row-major. */
  static void checkGemmNN(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0; k=" + k);
    }
    checkMatrix("A", a, aOff, m, k, k);
    checkMatrix("B", b, bOff, k, n, n);
    checkMatrix("C", c, cOff, m, n, ldc);
  }

  /** {@code C += Aᵀ·B}: A k x m, B k x n, both dense row-major. */
  static void checkGemmTN(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0; k=" + k);
    }
    checkMatrix("A", a, aOff, k, m, m);
    checkMatrix("B", b, bOff, k, n, n);
    checkMatrix("C", c, cOff, m, n, ldc);
  }

  static void checkRows(float[] query, int qOff, float[] matrix, int mOff, int rows, int dim, float[] out, int outOff) {
    Objects.checkFromIndexSize(qOff, dim, query.length);
    checkMatrix("matrix", matrix, mOff, rows, dim, dim);
    Objects.checkFromIndexSize(outOff, rows, out.length);
  }

  /** The offsets and output of a gathered kernel ({@code dotMany}): {@code count} of each. */
  static void checkMany(int[] offsets, int count, float[] out) {
    if (count < 0 || count > offsets.length || count > out.length) {
      throw new IndexOutOfBoundsException("count must be in [0, min(offsets " + offsets.length + ", out " + out.length
          + ")]; count=" + count);
    }
  }
}
