package dev.funnel.recall.als;

/**
 * Settings of {@link Ials}. The loss is, with {@code ŷ = x_u · y_i}, S the observed pairs and
 * {@code c_ui = 1 + alpha · r_ui},
 *
 * <pre>
 *   L = sum over (u,i) in S of c_ui (ŷ - 1)²  +  unobservedWeight · sum over (u,i) in P of ŷ²
 *     + sum_u lambda_u |x_u|²  +  sum_i lambda_i |y_i|²
 * </pre>
 *
 * where the {@link Scheme} picks P and lambda:
 *
 * <ul>
 *   <li>{@link Scheme#HU} (Hu, Koren &amp; Volinsky 2008): P = the unobserved pairs,
 *       {@code lambda_u = reg · |I_u|^regExponent}. {@code regExponent = 0} is the paper (and the
 *       {@code implicit} library); {@code 1} is ALS-WR (Zhou et al. 2008), the scaling Spark MLlib uses.
 *   <li>{@link Scheme#RENDLE} (Rendle, Krichene, Zhang &amp; Koren 2021, "Revisiting the Performance
 *       of iALS on Item Recommendation Benchmarks"): P = all pairs, and frequency-scaled
 *       regularisation {@code lambda_u = reg · (|I_u| + unobservedWeight · |I|)^regExponent}
 *       (items: {@code (|U_i| + unobservedWeight · |U|)^regExponent}).
 * </ul>
 *
 * @param dim embedding dimension
 * @param iterations alternating passes (each solves every user row, then every item row)
 * @param alpha confidence slope: an observed value r counts with weight {@code 1 + alpha · r}
 * @param reg the L2 coefficient lambda before per-row scaling
 * @param scheme {@link Scheme#HU} or {@link Scheme#RENDLE}
 * @param unobservedWeight alpha_0, the weight of a squared score on the pairs P (1 in Hu et al.)
 * @param regExponent nu, the exponent of the per-row scaling of {@code reg} (0 = plain L2)
 * @param solver {@link Solver#CG} (a few warm-started conjugate-gradient steps per row, Takács et al.
 *     2011) or {@link Solver#CHOLESKY} (the exact solve)
 * @param cgSteps conjugate-gradient steps per row and pass (ignored by CHOLESKY)
 * @param initStd standard deviation of the normal initialisation of both tables
 * @param threads worker threads; 0 uses the training context's
 */
public record IalsConfig(int dim, int iterations, double alpha, double reg, Scheme scheme, double unobservedWeight,
    double regExponent, Solver solver, int cgSteps, double initStd, int threads) {

  /** Which loss and regularisation scaling; see {@link IalsConfig}. */
  public enum Scheme { HU, RENDLE }

  /** How each row's normal equation is solved. */
  public enum Solver { CG, CHOLESKY }

  public IalsConfig {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be positive; dim=" + dim);
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be positive; iterations=" + iterations);
    }
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be >= 0 and finite; alpha=" + alpha);
    }
    if (!(reg >= 0) || Double.isInfinite(reg)) {
      throw new IllegalArgumentException("reg must be >= 0 and finite; reg=" + reg);
    }
    if (scheme == null) {
      throw new IllegalArgumentException("scheme must be set; scheme=null");
    }
    if (!(unobservedWeight > 0) || Double.isInfinite(unobservedWeight)) {
      throw new IllegalArgumentException("unobservedWeight must be positive and finite; unobservedWeight=" + unobservedWeight);
    }
    if (!(regExponent >= 0) || Double.isInfinite(regExponent)) {
      throw new IllegalArgumentException("regExponent must be >= 0 and finite; regExponent=" + regExponent);
    }
    if (solver == null) {
      throw new IllegalArgumentException("solver must be set; solver=null");
    }
    if (cgSteps < 1) {
      throw new IllegalArgumentException("cgSteps must be positive; cgSteps=" + cgSteps);
    }
    if (!(initStd > 0) || Double.isInfinite(initStd)) {
      throw new IllegalArgumentException("initStd must be positive and finite; initStd=" + initStd);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0; threads=" + threads);
    }
  }

  public static IalsConfig defaults() {
    // From a short search on gowalla (bench/presets/gowalla-ials.yaml): the Rendle et al. scheme with a
    // small unobserved weight and frequency-scaled L2 (nu = 1) was best at equal dim; its reg is on a
    // scale that transfers across datasets better than Hu et al.'s plain L2.
    return new IalsConfig(64, 15, 0.0, 0.001, Scheme.RENDLE, 0.01, 1.0, Solver.CG, 3, 0.01, 0);
  }

  /** The L2 coefficient of a row with {@code count} observed entries, out of {@code others} on the fixed side. */
  double rowReg(int count, int others) {
    double base = scheme == Scheme.RENDLE ? count + unobservedWeight * others : count;
    return regExponent == 0 ? reg : reg * Math.pow(base, regExponent);
  }
}
