package dev.funnel.rank.nn;

/**
 * Dice, the data-adaptive activation of DIN (Zhou et al., KDD 2018, eq. 5):
 *
 * <pre>
 *   f(s) = p(s) s + (1 - p(s)) alpha s,   p(s) = sigmoid((s - E[s]) / sqrt(Var[s] + eps))
 * </pre>
 *
 * per unit, with alpha learned per unit (initially 0) and E, Var the mini-batch mean and (biased)
 * variance while training, moving averages of them ({@link #state()}: means then variances,
 * momentum {@value #MOMENTUM}) at inference, as the paper states. The training backward includes
 * the gradient through the batch statistics (as batch normalisation's): with g = dL/da, x̂ the
 * normalised input and h = g s (1 - alpha) p (1 - p) = dL/dx̂,
 *
 * <pre>
 *   dL/ds     = g (alpha + (1 - alpha) p) + (h - mean(h) - x̂ mean(h x̂)) / sqrt(Var + eps)
 *   dL/dalpha = Σ g s (1 - p)
 * </pre>
 */
public final class Dice implements ParametricActivation {
  public static final float EPS = 1e-8f;
  public static final float MOMENTUM = 0.99f;
  private final float[] alpha;
  private final float[] state;

  /** alpha 0, running mean 0 and variance 1 over {@code width} units. */
  public Dice(int width) {
    this(new float[checkWidth(width)], initialState(width));
  }

  /** Over the given parameters and state (not copied), e.g. read from a model file. */
  public Dice(float[] alpha, float[] state) {
    checkWidth(alpha.length);
    if (state.length != 2 * alpha.length) {
      throw new IllegalArgumentException("Dice state holds means and variances: 2*width=" + 2 * alpha.length + " floats; got "
          + state.length);
    }
    this.alpha = alpha;
    this.state = state;
  }

  private static int checkWidth(int width) {
    if (width < 1) {
      throw new IllegalArgumentException("width must be positive; width=" + width);
    }
    return width;
  }

  private static float[] initialState(int width) {
    float[] s = new float[2 * width];
    java.util.Arrays.fill(s, width, 2 * width, 1f);
    return s;
  }

  @Override
  public int width() {
    return alpha.length;
  }

  @Override
  public float[] params() {
    return alpha;
  }

  @Override
  public float[] state() {
    return state;
  }

  /** x̂ (m x w), p (m x w), 1/std (w), two per-unit sums (w each), and the mode flag. */
  @Override
  public int cacheSize(int m) {
    int w = alpha.length;
    return 2 * m * w + 3 * w + 1;
  }

  @Override
  public void forward(float[] z, float[] a, int m, float[] cache, boolean training) {
    int w = alpha.length;
    int pOff = m * w;
    int stdOff = 2 * m * w;
    int meanOff = stdOff + w; // scratch: the batch mean
    if (training) {
      java.util.Arrays.fill(cache, meanOff, meanOff + 2 * w, 0f);
      for (int r = 0; r < m; r++) {
        for (int j = 0; j < w; j++) {
          cache[meanOff + j] += z[r * w + j];
        }
      }
      for (int j = 0; j < w; j++) {
        cache[meanOff + j] /= m;
      }
      int varOff = meanOff + w;
      for (int r = 0; r < m; r++) {
        for (int j = 0; j < w; j++) {
          float c = z[r * w + j] - cache[meanOff + j];
          cache[varOff + j] += c * c;
        }
      }
      for (int j = 0; j < w; j++) {
        float var = cache[varOff + j] / m;
        cache[stdOff + j] = (float) (1.0 / Math.sqrt(var + EPS));
        state[j] = MOMENTUM * state[j] + (1 - MOMENTUM) * cache[meanOff + j];
        state[w + j] = MOMENTUM * state[w + j] + (1 - MOMENTUM) * var;
      }
    } else {
      for (int j = 0; j < w; j++) {
        cache[meanOff + j] = state[j];
        cache[stdOff + j] = (float) (1.0 / Math.sqrt(state[w + j] + EPS));
      }
    }
    cache[stdOff + 3 * w] = training ? 1f : 0f;
    for (int r = 0; r < m; r++) {
      int o = r * w;
      for (int j = 0; j < w; j++) {
        float s = z[o + j];
        float xhat = (s - cache[meanOff + j]) * cache[stdOff + j];
        float p = 1f / (1f + (float) Math.exp(-xhat));
        cache[o + j] = xhat;
        cache[pOff + o + j] = p;
        a[o + j] = s * (alpha[j] + (1f - alpha[j]) * p);
      }
    }
  }

  @Override
  public void backward(float[] z, float[] da, float[] dz, int m, float[] cache, float[] grad) {
    int w = alpha.length;
    int pOff = m * w;
    int stdOff = 2 * m * w;
    int hOff = stdOff + w; // Σ h, then Σ h x̂
    int hxOff = hOff + w;
    boolean training = cache[stdOff + 3 * w] != 0f;
    java.util.Arrays.fill(cache, hOff, hOff + 2 * w, 0f);
    for (int r = 0; r < m; r++) {
      int o = r * w;
      for (int j = 0; j < w; j++) {
        float g = da[o + j];
        float s = z[o + j];
        float p = cache[pOff + o + j];
        float h = g * s * (1f - alpha[j]) * p * (1f - p);
        grad[j] += g * s * (1f - p);
        cache[hOff + j] += h;
        cache[hxOff + j] += h * cache[o + j];
      }
    }
    for (int r = 0; r < m; r++) {
      int o = r * w;
      for (int j = 0; j < w; j++) {
        float g = da[o + j];
        float s = z[o + j];
        float p = cache[pOff + o + j];
        float h = g * s * (1f - alpha[j]) * p * (1f - p);
        float direct = g * (alpha[j] + (1f - alpha[j]) * p);
        float viaStats = training ? h - cache[hOff + j] / m - cache[o + j] * cache[hxOff + j] / m : h;
        dz[o + j] = direct + viaStats * cache[stdOff + j];
      }
    }
  }
}
