package dev.funnel.train.loss;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.ToDoubleFunction;

/** Central finite differences of a double-precision reference loss. */
final class GradientCheck {
  private GradientCheck() {}

  /** d f / d x_i at x by (f(x + h e_i) - f(x - h e_i)) / 2h, h = 1e-6 * max(1, |x_i|). */
  static double[] numeric(ToDoubleFunction<double[]> f, double[] x) {
    double[] g = new double[x.length];
    double[] y = x.clone();
    for (int i = 0; i < x.length; i++) {
      double h = 1e-6 * Math.max(1, Math.abs(x[i]));
      y[i] = x[i] + h;
      double up = f.applyAsDouble(y);
      y[i] = x[i] - h;
      double down = f.applyAsDouble(y);
      y[i] = x[i];
      g[i] = (up - down) / (2 * h);
    }
    return g;
  }

  /** |analytic - numeric| &lt;= rtol * |numeric| + atol for every coordinate. */
  static void assertClose(String what, float[] analytic, int off, double[] numeric, double rtol, double atol) {
    for (int i = 0; i < numeric.length; i++) {
      double a = analytic[off + i];
      assertThat(Double.isFinite(a)).as("%s: gradient %d is %s", what, i, a).isTrue();
      assertThat(Math.abs(a - numeric[i]))
          .as("%s: coordinate %d analytic %s numeric %s", what, i, a, numeric[i])
          .isLessThanOrEqualTo(rtol * Math.abs(numeric[i]) + atol);
    }
  }

  static double[] toDouble(float[] a, int off, int len) {
    double[] d = new double[len];
    for (int i = 0; i < len; i++) {
      d[i] = a[off + i];
    }
    return d;
  }
}
