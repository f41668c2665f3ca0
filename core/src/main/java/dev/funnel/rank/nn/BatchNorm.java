package dev.funnel.rank.nn;

/**
 * Batch normalization (Ioffe and Szegedy, ICML 2015) of a layer's {@code width} outputs on a
 * mini-batch of m rows (row-major m x width), applied in place:
 *
 * <pre>
 *   training:  μ_j = mean_b z_bj,  σ²_j = mean_b (z_bj - μ_j)²  (the batch's own statistics)
 *   inference: μ_j, σ²_j = the running averages tracked while training
 *   x̂_bj = (z_bj - μ_j) / sqrt(σ²_j + ε),   y_bj = γ_j x̂_bj + β_j
 * </pre>
 *
 * Backward (training statistics), with g = dL/dy: dγ_j = Σ_b g_bj x̂_bj, dβ_j = Σ_b g_bj and
 * {@code dz_bj = γ_j / (m sqrt(σ²_j + ε)) (m g_bj - Σ_b g_bj - x̂_bj Σ_b g_bj x̂_bj)} (paper, §3).
 * The running statistics are not updated by the forward (several threads may normalise parts of one
 * batch at once); the trainer calls {@link #track} once per step, as PyTorch's BatchNorm1d does with
 * momentum 0.1 and the unbiased batch variance.
 *
 * <p>Parameters live in one array, γ (width) then β (width), so one optimizer row covers the layer;
 * the running statistics, mean (width) then variance (width), in another.
 */
public final class BatchNorm {
  /** PyTorch's BatchNorm1d defaults. */
  public static final float EPSILON = 1e-5f;
  public static final float MOMENTUM = 0.1f;

  private final int width;
  private final float[] params;
  private final float[] running;

  /** γ = 1, β = 0, running mean 0 and variance 1. */
  public BatchNorm(int width) {
    this(width, identity(width), initialRunning(width));
  }

  /** Wraps {@code params} (γ then β) and {@code running} (mean then variance); not copied. */
  public BatchNorm(int width, float[] params, float[] running) {
    if (width < 1) {
      throw new IllegalArgumentException("width must be positive; width=" + width);
    }
    if (params.length != 2 * width || running.length != 2 * width) {
      throw new IllegalArgumentException("a batch norm of width " + width + " has " + 2 * width + " parameters and "
          + 2 * width + " running statistics; got " + params.length + " and " + running.length);
    }
    this.width = width;
    this.params = params;
    this.running = running;
  }

  private static float[] identity(int width) {
    float[] p = new float[2 * Math.max(width, 0)];
    java.util.Arrays.fill(p, 0, Math.max(width, 0), 1f);
    return p;
  }

  private static float[] initialRunning(int width) {
    float[] r = new float[2 * Math.max(width, 0)];
    java.util.Arrays.fill(r, Math.max(width, 0), r.length, 1f);
    return r;
  }

  public int width() {
    return width;
  }

  /** γ (width) then β (width): the trained parameters, live. */
  public float[] params() {
    return params;
  }

  /** Running mean (width) then running variance (width), live. */
  public float[] running() {
    return running;
  }

  /** Inference: {@code z[0 .. m*width)} normalised in place with the running statistics. */
  public void forwardInference(float[] z, int m) {
    float[] scale = new float[width];
    float[] shift = new float[width];
    for (int j = 0; j < width; j++) {
      scale[j] = params[j] / (float) Math.sqrt(running[width + j] + EPSILON);
      shift[j] = params[width + j] - running[j] * scale[j];
    }
    for (int b = 0; b < m; b++) {
      int o = b * width;
      for (int j = 0; j < width; j++) {
        z[o + j] = z[o + j] * scale[j] + shift[j];
      }
    }
  }

  /**
   * Training: normalises {@code z[0 .. m*width)} in place with the batch's statistics, keeping x̂,
   * 1/σ and the batch mean and variance in {@code s} for {@link #backward} and {@link #track}.
   */
  public void forwardTraining(float[] z, int m, State s) {
    s.ensure(width, m);
    float[] mean = s.mean;
    float[] var = s.var;
    float[] inv = s.invStd;
    java.util.Arrays.fill(mean, 0f);
    java.util.Arrays.fill(var, 0f);
    for (int b = 0; b < m; b++) {
      int o = b * width;
      for (int j = 0; j < width; j++) {
        mean[j] += z[o + j];
      }
    }
    for (int j = 0; j < width; j++) {
      mean[j] /= m;
    }
    for (int b = 0; b < m; b++) {
      int o = b * width;
      for (int j = 0; j < width; j++) {
        float c = z[o + j] - mean[j];
        var[j] += c * c;
      }
    }
    for (int j = 0; j < width; j++) {
      var[j] /= m;
      inv[j] = 1f / (float) Math.sqrt(var[j] + EPSILON);
    }
    float[] xhat = s.xhat;
    for (int b = 0; b < m; b++) {
      int o = b * width;
      for (int j = 0; j < width; j++) {
        float x = (z[o + j] - mean[j]) * inv[j];
        xhat[o + j] = x;
        z[o + j] = params[j] * x + params[width + j];
      }
    }
    s.rows = m;
  }

  /**
   * Overwrites {@code d[0 .. m*width)} (dL/dy) with dL/dz through the last {@link #forwardTraining}
   * of {@code s}, and adds dγ then dβ to {@code grad} (laid out as {@link #params()}).
   */
  public void backward(float[] d, int m, State s, float[] grad) {
    float[] xhat = s.xhat;
    float[] sumG = s.sumG;
    float[] sumGx = s.sumGx;
    java.util.Arrays.fill(sumG, 0f);
    java.util.Arrays.fill(sumGx, 0f);
    for (int b = 0; b < m; b++) {
      int o = b * width;
      for (int j = 0; j < width; j++) {
        sumG[j] += d[o + j];
        sumGx[j] += d[o + j] * xhat[o + j];
      }
    }
    for (int j = 0; j < width; j++) {
      grad[j] += sumGx[j];
      grad[width + j] += sumG[j];
    }
    float[] coef = s.coef;
    for (int j = 0; j < width; j++) {
      coef[j] = params[j] * s.invStd[j] / m;
    }
    for (int b = 0; b < m; b++) {
      int o = b * width;
      for (int j = 0; j < width; j++) {
        d[o + j] = coef[j] * (m * d[o + j] - sumG[j] - xhat[o + j] * sumGx[j]);
      }
    }
  }

  /**
   * Moves the running statistics towards the batch statistics of {@code parts} (the states of the
   * threads that normalised parts of one mini-batch; their means and variances are averaged, weighted
   * by rows): {@code running = (1 - MOMENTUM) running + MOMENTUM batch}, the variance unbiased.
   */
  public void track(State... parts) {
    int rows = 0;
    for (State s : parts) {
      rows += s.rows;
    }
    if (rows == 0) {
      return;
    }
    for (int j = 0; j < width; j++) {
      double mean = 0;
      double var = 0;
      for (State s : parts) {
        if (s.rows > 0) {
          mean += (double) s.mean[j] * s.rows / rows;
          var += (double) s.var[j] * s.rows / rows;
        }
      }
      double unbiased = rows > 1 ? var * rows / (rows - 1) : var;
      running[j] = (float) ((1 - MOMENTUM) * running[j] + MOMENTUM * mean);
      running[width + j] = (float) ((1 - MOMENTUM) * running[width + j] + MOMENTUM * unbiased);
    }
  }

  /** One thread's training buffers (grow to the largest batch seen). */
  public static final class State {
    float[] xhat = new float[0];
    float[] mean = new float[0];
    float[] var = new float[0];
    float[] invStd = new float[0];
    float[] sumG = new float[0];
    float[] sumGx = new float[0];
    float[] coef = new float[0];
    int rows;

    void ensure(int width, int m) {
      if (mean.length != width) {
        mean = new float[width];
        var = new float[width];
        invStd = new float[width];
        sumG = new float[width];
        sumGx = new float[width];
        coef = new float[width];
      }
      if (xhat.length < m * width) {
        xhat = new float[m * width];
      }
    }
  }
}
