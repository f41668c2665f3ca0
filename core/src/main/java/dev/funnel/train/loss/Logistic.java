package dev.funnel.train.loss;

/**
 * Overflow-free logistic functions in double precision: every form keeps exp's argument &lt;= 0.
 */
public final class Logistic {
  private Logistic() {}

  /** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|). */
  public static double softplus(double x) {
    return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** sigma(x) = 1 / (1 + e^-x). */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }

  /** log sigma(x) = -softplus(-x). */
  public static double logSigmoid(double x) {
    return -softplus(-x);
  }
}
