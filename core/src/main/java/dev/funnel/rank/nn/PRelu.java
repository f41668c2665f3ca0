package dev.funnel.rank.nn;

/**
 * Parametric ReLU (He et al., ICCV 2015, "Delving Deep into Rectifiers"): {@code f(z) = z} for z &gt;
 * 0, {@code alpha_j z} otherwise, with a slope alpha_j learned per unit (initially 0.25 as the paper).
 * {@code dL/dalpha_j = Σ_rows dL/da · z} over the rows where z &lt;= 0.
 */
public final class PRelu implements ParametricActivation {
  public static final float INITIAL_SLOPE = 0.25f;
  private final float[] alpha;

  /** Slopes 0.25 for {@code width} units. */
  public PRelu(int width) {
    this(filled(width));
  }

  /** Over the given slopes (not copied), e.g. read from a model file. */
  public PRelu(float[] alpha) {
    if (alpha.length < 1) {
      throw new IllegalArgumentException("width must be positive; width=" + alpha.length);
    }
    this.alpha = alpha;
  }

  private static float[] filled(int width) {
    if (width < 1) {
      throw new IllegalArgumentException("width must be positive; width=" + width);
    }
    float[] a = new float[width];
    java.util.Arrays.fill(a, INITIAL_SLOPE);
    return a;
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
    return new float[0];
  }

  @Override
  public int cacheSize(int m) {
    return 0;
  }

  @Override
  public void forward(float[] z, float[] a, int m, float[] cache, boolean training) {
    int w = alpha.length;
    for (int r = 0; r < m; r++) {
      int o = r * w;
      for (int j = 0; j < w; j++) {
        float v = z[o + j];
        a[o + j] = v > 0f ? v : alpha[j] * v;
      }
    }
  }

  @Override
  public void backward(float[] z, float[] da, float[] dz, int m, float[] cache, float[] grad) {
    int w = alpha.length;
    for (int r = 0; r < m; r++) {
      int o = r * w;
      for (int j = 0; j < w; j++) {
        float v = z[o + j];
        float g = da[o + j];
        if (v > 0f) {
          dz[o + j] = g;
        } else {
          grad[j] += g * v;
          dz[o + j] = alpha[j] * g;
        }
      }
    }
  }
}
