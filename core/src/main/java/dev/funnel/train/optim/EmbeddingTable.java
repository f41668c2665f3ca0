package dev.funnel.train.optim;

import dev.funnel.train.WorkerRandom;

/**
 * A dense table of {@code rows} vectors of length {@code dim}, row-major in one {@code float[]}: row r
 * is {@code data()[r*dim .. (r+1)*dim)}. Shared by Hogwild workers as a plain array (no locks, no
 * volatile): concurrent row updates may interleave element-wise and lose a few writes, which
 * Hogwild (Recht et al., NeurIPS 2011) shows is harmless for sparse updates.
 */
public final class EmbeddingTable {
  private final int rows;
  private final int dim;
  private final float[] data;

  /** A zero table. */
  public EmbeddingTable(int rows, int dim) {
    this(rows, dim, new float[checkedSize(rows, dim)]);
  }

  /** Wraps {@code data} (not copied), which must hold rows * dim values. */
  public EmbeddingTable(int rows, int dim, float[] data) {
    long size = checkedSize(rows, dim);
    if (data.length != size) {
      throw new IllegalArgumentException("data must hold rows*dim=" + size + " values; has " + data.length);
    }
    this.rows = rows;
    this.dim = dim;
    this.data = data;
  }

  private static int checkedSize(int rows, int dim) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0; rows=" + rows);
    }
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be positive; dim=" + dim);
    }
    long size = (long) rows * dim;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("rows*dim=" + size + " exceeds the largest Java array");
    }
    return (int) size;
  }

  public int rows() {
    return rows;
  }

  public int dim() {
    return dim;
  }

  /** The backing array itself, for hot loops. */
  public float[] data() {
    return data;
  }

  /** Offset of row r in {@link #data()}. */
  public int offset(int row) {
    return row * dim;
  }

  public float get(int row, int col) {
    return data[row * dim + col];
  }

  public void set(int row, int col, float value) {
    data[row * dim + col] = value;
  }

  /** Fills with N(0, std^2) draws, in row-major order. */
  public void initNormal(double std, WorkerRandom random) {
    for (int k = 0; k < data.length; k++) {
      data[k] = (float) (std * random.nextGaussian());
    }
  }

  /** Fills with U(-bound, bound) draws, in row-major order. */
  public void initUniform(double bound, WorkerRandom random) {
    for (int k = 0; k < data.length; k++) {
      data[k] = (float) (bound * (2 * random.nextDouble() - 1));
    }
  }

  /**
   * Xavier/Glorot uniform init (Glorot and Bengio, AISTATS 2010) with fan-in rows and fan-out dim,
   * as in LightGCN's reference code: U(-b, b), b = sqrt(6 / (rows + dim)).
   */
  public void initXavierUniform(WorkerRandom random) {
    initUniform(Math.sqrt(6.0 / (rows + dim)), random);
  }
}
