package dev.funnel.recall.als;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.als.IalsConfig.Scheme;
import dev.funnel.recall.als.IalsConfig.Solver;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IalsTest {
  /** Random users over 40 items where user u mostly likes items of its cluster (u % 4); values 1..3. */
  private static Interactions clustered(long seed) {
    Random random = new Random(seed);
    EventTable events = new EventTable();
    for (int i = 0; i < 40; i++) {
      events.items().getOrAdd("i" + i); // dense item id = i
    }
    for (int u = 0; u < 200; u++) {
      for (int n = 0; n < 6; n++) {
        int item = random.nextInt(10) < 9 ? (u % 4) * 10 + random.nextInt(10) : random.nextInt(40);
        events.add("u" + u, "i" + item, n, EventTable.DEFAULT_TYPE, 1 + random.nextInt(3));
      }
    }
    return events.toInteractions(DuplicatePolicy.MAX);
  }

  private static IalsConfig config(Scheme scheme, Solver solver, int cgSteps, int iterations, int threads) {
    return scheme == Scheme.HU
        ? new IalsConfig(8, iterations, 2.0, 0.1, Scheme.HU, 1.0, 0.0, solver, cgSteps, 0.1, threads)
        : new IalsConfig(8, iterations, 0.0, 0.02, Scheme.RENDLE, 0.05, 1.0, solver, cgSteps, 0.1, threads);
  }

  /** A random row problem: 30 fixed rows of dim 6, 7 observed entries with values in [1, 4). */
  @Test
  void conjugateGradientConvergesToTheCholeskySolution() {
    long seed = 1234L;
    System.out.println("seed " + seed);
    Random random = new Random(seed);
    int d = 6;
    int rows = 30;
    float[] fixed = new float[rows * d];
    for (int n = 0; n < fixed.length; n++) {
      fixed[n] = (float) random.nextGaussian();
    }
    int[] idx = {2, 5, 7, 11, 19, 23, 29};
    float[] values = new float[idx.length];
    for (int e = 0; e < idx.length; e++) {
      values[e] = 1 + 3 * random.nextFloat();
    }
    double[] gram = Ials.gram(fixed, rows, d, 1, Kernels.get());
    for (Scheme scheme : Scheme.values()) {
      double a0 = scheme == Scheme.HU ? 1.0 : 0.05;
      double shift = scheme == Scheme.HU ? a0 : 0;
      double[] scaled = new double[d * d];
      float[] scaledF = new float[d * d];
      for (int n = 0; n < d * d; n++) {
        scaled[n] = a0 * gram[n];
        scaledF[n] = (float) scaled[n];
      }
      RowSolve solve = new RowSolve(d, Kernels.get());
      float[] exact = new float[d];
      solve.cholesky(scaled, 0.5, fixed, idx, values, 0, idx.length, 1.5, shift, exact, 0);
      // From zero, d CG steps solve a d-dimensional SPD system exactly up to rounding.
      float[] fromZero = new float[d];
      solve.conjugateGradient(scaledF, 0.5f, fixed, idx, values, 0, idx.length, 1.5f, (float) shift, fromZero, 0, d);
      // Warm-started from a random point, a few more steps get there too.
      float[] warm = new float[d];
      for (int f = 0; f < d; f++) {
        warm[f] = (float) random.nextGaussian();
      }
      solve.conjugateGradient(scaledF, 0.5f, fixed, idx, values, 0, idx.length, 1.5f, (float) shift, warm, 0, 2 * d);
      for (int f = 0; f < d; f++) {
        assertThat(fromZero[f]).as("%s f=%d", scheme, f).isCloseTo(exact[f], within(1e-4f));
        assertThat(warm[f]).as("%s f=%d", scheme, f).isCloseTo(exact[f], within(1e-4f));
      }
      // and the exact solution satisfies A x = b: residual check against a direct product
      double[] residual = new double[d];
      for (int f = 0; f < d; f++) {
        double s = 0.5 * exact[f];
        for (int g = 0; g < d; g++) {
          s += scaled[f * d + g] * exact[g];
        }
        residual[f] = s;
      }
      for (int e = 0; e < idx.length; e++) {
        double t = 1 + 1.5 * values[e];
        double dot = 0;
        for (int g = 0; g < d; g++) {
          dot += fixed[idx[e] * d + g] * exact[g];
        }
        for (int f = 0; f < d; f++) {
          residual[f] += (t - shift) * dot * fixed[idx[e] * d + f] - t * fixed[idx[e] * d + f];
        }
      }
      for (int f = 0; f < d; f++) {
        assertThat(residual[f]).as("%s residual f=%d", scheme, f).isCloseTo(0.0, within(1e-3));
      }
    }
  }

  @Test
  void trainingWithFullCgMatchesTrainingWithCholesky() {
    long seed = 21L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed);
    Ials ials = new Ials();
    TrainContext context = new TrainContext(1, seed, Progress.NONE);
    for (Scheme scheme : Scheme.values()) {
      IalsModel exact = ials.fit(data, config(scheme, Solver.CHOLESKY, 1, 3, 1), context, null);
      IalsModel cg = ials.fit(data, config(scheme, Solver.CG, 16, 3, 1), context, null);
      float[] a = exact.itemVectors();
      float[] b = cg.itemVectors();
      double maxDiff = 0;
      double maxAbs = 0;
      for (int n = 0; n < a.length; n++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[n] - b[n]));
        maxAbs = Math.max(maxAbs, Math.abs(a[n]));
      }
      assertThat(maxDiff).as("%s: max |cg - cholesky| over item factors (max |factor| %s)", scheme, maxAbs)
          .isLessThan(1e-3 * maxAbs);
    }
  }

  @Test
  void lossDecreasesMonotonicallyAcrossIterations() {
    long seed = 8L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed);
    Ials ials = new Ials();
    for (Scheme scheme : Scheme.values()) {
      for (Solver solver : Solver.values()) {
        int iterations = 8;
        double[] losses = new double[iterations + 1];
        List<String> lines = new ArrayList<>();
        Progress progress = Progress.summaries(lines::add);
        ials.fit(data, config(scheme, solver, 3, iterations, 2), new TrainContext(2, seed, progress), losses);
        for (int t = 1; t <= iterations; t++) {
          // relative slack for float rounding once converged
          assertThat(losses[t]).as("%s %s loss at %d of %s", scheme, solver, t, java.util.Arrays.toString(losses))
              .isLessThanOrEqualTo(losses[t - 1] * (1 + 1e-5));
        }
        assertThat(losses[iterations]).as("%s %s", scheme, solver).isLessThan(0.5 * losses[0]);
        assertThat(lines).hasSize(iterations);
        assertThat(lines.get(iterations - 1)).startsWith("iteration 8/8 loss ");
      }
    }
  }

  /**
   * d = 1, items y = (1, 2); the user saw item 0 with value 1; alpha = 1 so c = 2.
   * Hu (a0 = 1, lambda = 1): (a0 (1 + 4) + (c - a0) 1 + lambda) x = c  -> 7 x = 2.
   * Rendle (a0 = 0.5, lambda = 0.1, nu = 1): lambda_u = 0.1 (1 + 0.5 * 2) = 0.2;
   * (0.5 * 5 + c * 1 + 0.2) x = c -> 4.7 x = 2.
   */
  @Test
  void handCheckedRowSolves() {
    float[] items = {1f, 2f};
    int[] idx = {0};
    float[] values = {1f};
    double[] gram = Ials.gram(items, 2, 1, 1, Kernels.get());
    assertThat(gram).containsExactly(5.0);
    IalsConfig hu = new IalsConfig(1, 1, 1.0, 1.0, Scheme.HU, 1.0, 0.0, Solver.CG, 1, 0.1, 1);
    IalsConfig rendle = new IalsConfig(1, 1, 1.0, 0.1, Scheme.RENDLE, 0.5, 1.0, Solver.CG, 1, 0.1, 1);
    assertThat(hu.rowReg(1, 2)).isEqualTo(1.0);
    assertThat(rendle.rowReg(1, 2)).isCloseTo(0.2, within(1e-12));
    RowSolve solve = new RowSolve(1, Kernels.scalar());
    float[] x = new float[1];
    solve.cholesky(new double[] {5.0}, 1.0, items, idx, values, 0, 1, 1.0, 1.0, x, 0);
    assertThat(x[0]).isCloseTo(2f / 7, within(1e-6f));
    x[0] = 0.3f;
    solve.conjugateGradient(new float[] {5f}, 1f, items, idx, values, 0, 1, 1f, 1f, x, 0, 1);
    assertThat(x[0]).isCloseTo(2f / 7, within(1e-6f));
    solve.cholesky(new double[] {2.5}, 0.2, items, idx, values, 0, 1, 1.0, 0.0, x, 0);
    assertThat(x[0]).isCloseTo(2f / 4.7f, within(1e-6f));
  }

  /**
   * 2 users x 2 items, d = 1: x = (1, 0.4), y = (1, 2); user 0 saw item 0 (value 1), user 1 saw item 1
   * (value 3); alpha = 1, lambda = 0.1, nu = 0. Scores: u0 (1, 2), u1 (0.4, 0.8).
   * Observed: c=2 (1-1)² = 0 and c=4 (0.8-1)² = 0.16. Squares of the other pairs: 4 + 0.16.
   * L2: 0.1 (1 + 0.16) + 0.1 (1 + 4) = 0.616. Hu (a0 = 1, unobserved pairs): 0.16 + 4.16 + 0.616 = 4.936.
   * Rendle (a0 = 1, all pairs): 0.16 + (1 + 4 + 0.16 + 0.64) + 0.616 = 6.576.
   */
  @Test
  void handCheckedLoss() {
    EventTable events = new EventTable();
    events.add("u0", "i0", 1, EventTable.DEFAULT_TYPE, 1f);
    events.add("u1", "i1", 2, EventTable.DEFAULT_TYPE, 3f);
    Interactions data = events.toInteractions(DuplicatePolicy.MAX);
    float[] x = {1f, 0.4f};
    float[] y = {1f, 2f};
    double[] gx = Ials.gram(x, 2, 1, 1, Kernels.get());
    double[] gy = Ials.gram(y, 2, 1, 1, Kernels.get());
    IalsConfig hu = new IalsConfig(1, 1, 1.0, 0.1, Scheme.HU, 1.0, 0.0, Solver.CG, 1, 0.1, 1);
    IalsConfig rendle = new IalsConfig(1, 1, 1.0, 0.1, Scheme.RENDLE, 1.0, 0.0, Solver.CG, 1, 0.1, 1);
    assertThat(Ials.loss(data, hu, x, y, gx, gy, 1, Kernels.get())).isCloseTo(4.936, within(1e-5));
    assertThat(Ials.loss(data, rendle, x, y, gx, gy, 2, Kernels.get())).isCloseTo(6.576, within(1e-5));
  }

  @Test
  void learnsTheClusters() {
    long seed = 5L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed);
    IalsModel model = (IalsModel) new Ials().train(data, config(Scheme.HU, Solver.CG, 3, 10, 2),
        new TrainContext(2, seed, Progress.NONE));
    int hits = 0;
    for (int u = 0; u < data.numUsers(); u++) {
      int user = u;
      int best = model.recommend(u, 1, item -> !data.contains(user, item)).item(0);
      hits += best / 10 == u % 4 ? 1 : 0;
    }
    assertThat(hits).as("users whose top unseen item is in their cluster").isGreaterThan(180);
    assertThat(model.userVectors()).hasSize(data.numUsers() * 8);
    assertThat(model.dim()).isEqualTo(8);
    assertThat(model.itemBias()).isNull();
  }

  @Test
  void registeredAndConfigNamesTheBadField() {
    assertThat(Registry.recall("ials")).isInstanceOf(Ials.class);
    assertThatThrownBy(() -> new IalsConfig(0, 1, 1, 0.1, Scheme.HU, 1, 0, Solver.CG, 3, 0.1, 0))
        .hasMessage("dim must be positive; dim=0");
    assertThatThrownBy(() -> new IalsConfig(8, 1, -1, 0.1, Scheme.HU, 1, 0, Solver.CG, 3, 0.1, 0))
        .hasMessage("alpha must be >= 0 and finite; alpha=-1.0");
    assertThatThrownBy(() -> new IalsConfig(8, 1, 1, 0.1, Scheme.RENDLE, 0, 0, Solver.CG, 3, 0.1, 0))
        .hasMessage("unobservedWeight must be positive and finite; unobservedWeight=0.0");
    assertThatThrownBy(() -> new IalsConfig(8, 1, 1, 0.1, Scheme.HU, 1, 0, Solver.CG, 0, 0.1, 0))
        .hasMessage("cgSteps must be positive; cgSteps=0");
  }
}
