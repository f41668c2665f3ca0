package dev.funnel.rank.nn;

import java.util.Arrays;

/**
 * Layer normalization (Ba, Kiros and Hinton 2016, "Layer Normalization"): each row of a mini-batch
 * is normalized over its own n features, {@code x̂ = (x - μ) / sqrt(σ² + ε)}, then scaled and shifted
 * per feature, {@code y = γ ⊙ x̂ + β}. Unlike batch normalization it needs no running statistics, so
 * training and scoring compute the same thing and a single candidate scores as in a batch.
 *
 * <p>Parameters live in one array, γ (n) then β (n), as {@link Linear}'s do. The backward pass is the
 * closed form {@code dx = (1/σ̃) (dx̂ - mean(dx̂) - x̂ mean(dx̂ ⊙ x̂))} with {@code dx̂ = dy ⊙ γ} and
 * {@code σ̃ = sqrt(σ² + ε)}, from the per-row x̂ and 1/σ̃ the forward keeps in a {@link Cache}.
 */
public final class LayerNorm {
  /** Added to the variance, as in the paper's implementations (PyTorch's default). */
  public static final float EPSILON = 1e-5f;

  private final int n;
  private final float[] params;

  /** γ = 1, β = 0: the identity on normalized rows. */
  public LayerNorm(int n) {
    this(n, identity(n));
  }

  /** Wraps {@code params} (γ then β; not copied). */
  public LayerNorm(int n, float[] params) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be positive; n=" + n);
    }
    if (params.length != 2 * n) {
      throw new IllegalArgumentException("a layer norm over " + n + " features has " + 2 * n + " parameters; got " + params.length);
    }
    this.n = n;
    this.params = params;
  }

  private static float[] identity(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be positive; n=" + n);
    }
    float[] p = new float[2 * n];
    Arrays.fill(p, 0, n, 1f);
    return p;
  }

  public int size() {
    return n;
  }

  /** γ (n) then β (n); the array the layer computes with, not a copy. */
  public float[] params() {
    return params;
  }

  /** A cache for {@link #forward} and {@link #backward}; one per thread. */
  public Cache cache() {
    return new Cache();
  }

  /** {@code y[0 .. m*n)} = the layer of {@code x[0 .. m*n)}; y may alias x. Keeps x̂ and 1/σ̃ in {@code cache}. */
  public void forward(float[] x, int m, float[] y, Cache cache) {
    float[] xhat = cache.xhat(m * n);
    float[] inv = cache.inv(m);
    for (int r = 0; r < m; r++) {
      int o = r * n;
      double sum = 0;
      for (int j = 0; j < n; j++) {
        sum += x[o + j];
      }
      float mean = (float) (sum / n);
      double var = 0;
      for (int j = 0; j < n; j++) {
        float d = x[o + j] - mean;
        var += d * d;
      }
      float s = (float) (1.0 / Math.sqrt(var / n + EPSILON));
      inv[r] = s;
      for (int j = 0; j < n; j++) {
        float h = (x[o + j] - mean) * s;
        xhat[o + j] = h;
        y[o + j] = params[j] * h + params[n + j];
      }
    }
  }

  /**
   * Accumulates dγ and dβ into {@code grad} (laid out as {@link #params()}) and, unless {@code dx} is
   * null, overwrites {@code dx[0 .. m*n)} with dL/dx (dx may alias dy). Needs the cache of the forward.
   */
  public void backward(float[] dy, int m, float[] dx, float[] grad, Cache cache) {
    float[] xhat = cache.xhat;
    float[] inv = cache.inv;
    for (int r = 0; r < m; r++) {
      int o = r * n;
      double sumD = 0;
      double sumDx = 0;
      for (int j = 0; j < n; j++) {
        float g = dy[o + j];
        float h = xhat[o + j];
        grad[j] += g * h;
        grad[n + j] += g;
        float d = g * params[j];
        sumD += d;
        sumDx += d * h;
      }
      if (dx == null) {
        continue;
      }
      float meanD = (float) (sumD / n);
      float meanDx = (float) (sumDx / n);
      float s = inv[r];
      for (int j = 0; j < n; j++) {
        float d = dy[o + j] * params[j];
        dx[o + j] = s * (d - meanD - xhat[o + j] * meanDx);
      }
    }
  }

  /** Per-thread x̂ and 1/σ̃ of the last forward. */
  public static final class Cache {
    private float[] xhat = new float[0];
    private float[] inv = new float[0];

    float[] xhat(int size) {
      return xhat.length >= size ? xhat : (xhat = new float[size]);
    }

    float[] inv(int size) {
      return inv.length >= size ? inv : (inv = new float[size]);
    }
  }
}
