package dev.funnel.rank.nn;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.train.WorkerRandom;

/**
 * A fully connected layer {@code y = x Wᵀ + b} on a mini-batch of m rows (row-major {@code x} of m x
 * in, {@code y} of m x out). Parameters live in one array, W (out x in, row-major) then b (out), so a
 * single optimizer row and a single gradient array cover the layer.
 *
 * <p>Every product is a kernel GEMM on the arrays as stored, with no transposed copies: forward
 * {@code Y = X·Wᵀ} ({@code gemm}, C += A·Bᵀ); backward {@code dW += dYᵀ·X} ({@code gemmTN}),
 * {@code db += Σ_rows dY} and {@code dX = dY·W} ({@code gemmNN}).
 */
public final class Linear {
  private final int in;
  private final int out;
  private final float[] params;

  /** A zero layer; call {@link #initGlorot} before training. */
  public Linear(int in, int out) {
    this(in, out, new float[checkedSize(in, out)]);
  }

  /** Wraps {@code params} (W then b; not copied). */
  public Linear(int in, int out, float[] params) {
    int size = checkedSize(in, out);
    if (params.length != size) {
      throw new IllegalArgumentException("a " + in + "->" + out + " layer has " + size + " parameters; got " + params.length);
    }
    this.in = in;
    this.out = out;
    this.params = params;
  }

  private static int checkedSize(int in, int out) {
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException("layer sizes must be positive; in=" + in + ", out=" + out);
    }
    long size = (long) in * out + out;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("in*out+out=" + size + " exceeds the largest Java array");
    }
    return (int) size;
  }

  public int in() {
    return in;
  }

  public int out() {
    return out;
  }

  /** W (out x in, row-major) then b (out); the array the layer computes with, not a copy. */
  public float[] params() {
    return params;
  }

  /** Where b starts in {@link #params()}. */
  public int biasOffset() {
    return in * out;
  }

  /** Glorot and Bengio (AISTATS 2010) uniform weights in ±sqrt(6 / (in + out)); zero bias. */
  public void initGlorot(WorkerRandom random) {
    double bound = Math.sqrt(6.0 / (in + out));
    int w = in * out;
    for (int i = 0; i < w; i++) {
      params[i] = (float) ((2 * random.nextDouble() - 1) * bound);
    }
    java.util.Arrays.fill(params, w, params.length, 0f);
  }

  /** {@code y[0 .. m*out) = x[0 .. m*in) Wᵀ + b}. */
  public void forward(VectorKernels k, float[] x, int m, float[] y) {
    int b = biasOffset();
    if (out == 1) { // an output unit: a GEMV; the GEMM would pad its one column to a whole micro-tile
      k.dotRows(params, 0, x, 0, m, in, y, 0);
      for (int r = 0; r < m; r++) {
        y[r] += params[b];
      }
      return;
    }
    for (int r = 0; r < m; r++) {
      System.arraycopy(params, b, y, r * out, out);
    }
    k.gemm(x, 0, m, params, 0, out, in, y, 0, out);
  }

  /**
   * Accumulates dW and db into {@code grad} (laid out as {@link #params()}) and, unless {@code dx} is
   * null, overwrites {@code dx[0 .. m*in)} with dL/dx. {@code x} is the forward input, {@code dy} is
   * dL/dy (m x out); {@code scratch} is no longer used (the kernels need no transposed copies) and
   * is kept so callers compile unchanged.
   */
  public void backward(VectorKernels k, float[] x, float[] dy, int m, float[] dx, float[] grad, Scratch scratch) {
    int b = biasOffset();
    if (out == 1) { // as in forward: rank-1 updates instead of GEMMs with one row or column
      for (int r = 0; r < m; r++) {
        k.axpy(dy[r], x, r * in, grad, 0, in);
        grad[b] += dy[r];
      }
      if (dx != null) {
        for (int r = 0; r < m; r++) {
          System.arraycopy(params, 0, dx, r * in, in);
          k.scale(dy[r], dx, r * in, in);
        }
      }
      return;
    }
    k.gemmTN(dy, 0, out, x, 0, in, m, grad, 0, in);
    for (int r = 0; r < m; r++) {
      k.axpy(1f, dy, r * out, grad, b, out);
    }
    if (dx != null) {
      java.util.Arrays.fill(dx, 0, m * in, 0f);
      k.gemmNN(dy, 0, m, params, 0, in, out, dx, 0, in);
    }
  }

  /** {@code dst (cols x rows) = srcᵀ} for row-major {@code src} of rows x cols, in cache-sized blocks. */
  static void transpose(float[] src, int rows, int cols, float[] dst) {
    final int blk = 32;
    for (int i0 = 0; i0 < rows; i0 += blk) {
      int i1 = Math.min(rows, i0 + blk);
      for (int j0 = 0; j0 < cols; j0 += blk) {
        int j1 = Math.min(cols, j0 + blk);
        for (int i = i0; i < i1; i++) {
          int s = i * cols;
          for (int j = j0; j < j1; j++) {
            dst[j * rows + i] = src[s + j];
          }
        }
      }
    }
  }

  /**
   * Growable transpose buffers, once used by {@link #backward}; kept (unused) so that code passing
   * one compiles unchanged.
   */
  public static final class Scratch {
    private float[] dyT = new float[0];
    private float[] xT = new float[0];
    private float[] wT = new float[0];

    float[] dyT(int size) {
      return dyT.length >= size ? dyT : (dyT = new float[size]);
    }

    float[] xT(int size) {
      return xT.length >= size ? xT : (xT = new float[size]);
    }

    float[] wT(int size) {
      return wT.length >= size ? wT : (wT = new float[size]);
    }
  }
}
