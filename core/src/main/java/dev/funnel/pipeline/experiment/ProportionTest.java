package dev.funnel.pipeline.experiment;

/**
 * The two-proportion z-test with pooled variance: for {@code c1} clicks in {@code n1} impressions
 * against {@code c2} in {@code n2}, {@code p̂ = (c1 + c2) / (n1 + n2)},
 * {@code z = (c1/n1 − c2/n2) / sqrt(p̂ (1 − p̂) (1/n1 + 1/n2))} and the two-sided p-value
 * {@code 2 (1 − Φ(|z|))}. Normal approximation: meaningful once each variant has some tens of clicks
 * and non-clicks.
 */
public final class ProportionTest {
  private ProportionTest() {}

  /** z and its two-sided p-value; NaN for both when either side has no impressions or the pooled rate is 0 or 1. */
  public record Result(double z, double p) {}

  public static Result twoSided(long n1, long c1, long n2, long c2) {
    if (n1 < 0 || n2 < 0 || c1 < 0 || c2 < 0 || c1 > n1 || c2 > n2) {
      throw new IllegalArgumentException("need 0 <= clicks <= impressions; n1=" + n1 + ", c1=" + c1 + ", n2=" + n2 + ", c2=" + c2);
    }
    if (n1 == 0 || n2 == 0) {
      return new Result(Double.NaN, Double.NaN);
    }
    double pooled = (double) (c1 + c2) / (n1 + n2);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
    if (!(se > 0)) {
      return new Result(Double.NaN, Double.NaN);
    }
    double z = ((double) c1 / n1 - (double) c2 / n2) / se;
    return new Result(z, erfc(Math.abs(z) / Math.sqrt(2)));
  }

  /**
   * The complementary error function, from Numerical Recipes' {@code erfcc} (Chebyshev fit,
   * fractional error below 1.2e-7 everywhere): {@code 2 (1 − Φ(|z|)) = erfc(|z| / √2)}.
   */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
        + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }
}
