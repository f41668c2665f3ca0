package dev.funnel.recall.bspm;

/**
 * Graph-filter settings. The defaults are BSPM's published gowalla configuration (the authors' README:
 * {@code --solver_shr rk4 --K_s 1 --T_s 2.5 --final_sharpening True --idl_beta 0.2 --factor_dim 448}),
 * not tuned here, with the eigen solver run to convergence (the reference uses an exact Lanczos SVD; on
 * gowalla Recall@20 moved 0.1930, 0.1924, 0.1921, 0.1920 after 6, 12, 24, 48 iterations). GF-CF is
 * {@code factors=256, idealWeight=0.3, sharpenTime=0}.
 *
 * @param factors         right singular vectors of R̃ kept for the ideal low-pass filter
 * @param idealWeight     weight β of the ideal low-pass term added to the blurred scores
 * @param sharpenTime     length T_s of the sharpening ODE {@code ds/dt = -s P̃}; 0 switches sharpening off
 * @param sharpenSteps    solver steps K_s over it (step size T_s / K_s)
 * @param solver          EULER or RK4 (classic fourth order; equal to any four-stage order-4 method on
 *                        this linear ODE, including torchdiffeq's 3/8 rule)
 * @param oversample      extra vectors iterated by the eigen solver beside the kept ones
 * @param svdIterations   subspace iterations of the eigen solver
 * @param neighbors       0: serve the exact filter (a few filter passes over all nonzeros per request);
 *                        N &gt; 0: precompute each item's filtered row, keep its N largest entries and serve
 *                        them as item neighbour lists (ItemCF's cost per request; the rows are exact, the
 *                        truncation is the only approximation)
 */
public record BspmConfig(int factors, double idealWeight, double sharpenTime, int sharpenSteps, Solver solver, int oversample,
    int svdIterations, int neighbors) {
  /** ODE solver of the sharpening process. */
  public enum Solver {
    EULER,
    RK4
  }

  public BspmConfig {
    if (factors < 0) {
      throw new IllegalArgumentException("factors must be >= 0; factors=" + factors);
    }
    if (!(idealWeight >= 0) || Double.isInfinite(idealWeight)) {
      throw new IllegalArgumentException("idealWeight must be finite and >= 0; idealWeight=" + idealWeight);
    }
    if (!(sharpenTime >= 0) || Double.isInfinite(sharpenTime)) {
      throw new IllegalArgumentException("sharpenTime must be finite and >= 0; sharpenTime=" + sharpenTime);
    }
    if (sharpenSteps < 1) {
      throw new IllegalArgumentException("sharpenSteps must be >= 1; sharpenSteps=" + sharpenSteps);
    }
    if (solver == null) {
      throw new IllegalArgumentException("solver must be one of EULER, RK4; solver=null");
    }
    if (oversample < 0) {
      throw new IllegalArgumentException("oversample must be >= 0; oversample=" + oversample);
    }
    if (svdIterations < 0) {
      throw new IllegalArgumentException("svdIterations must be >= 0; svdIterations=" + svdIterations);
    }
    if (neighbors < 0) {
      throw new IllegalArgumentException("neighbors must be >= 0 (0: exact scoring); neighbors=" + neighbors);
    }
  }

  public static BspmConfig defaults() {
    return new BspmConfig(448, 0.2, 2.5, 1, Solver.RK4, 64, 48, 0);
  }
}
