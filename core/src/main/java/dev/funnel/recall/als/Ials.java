package dev.funnel.recall.als;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.FactorModel;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;
import java.io.DataInput;
import java.io.IOException;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Implicit alternating least squares (Hu, Koren &amp; Volinsky, "Collaborative Filtering for Implicit
 * Feedback Datasets", ICDM 2008), with the regularisation scheme of Rendle et al. 2021 as an option;
 * the loss is in {@link IalsConfig}.
 *
 * <p>Each iteration fixes the items and solves every user row, then the reverse. A row's normal
 * equation needs {@code YᵀY} over all items, but that is shared: it is computed once per half-pass
 * (a blocked GEMM), and each row adds only a correction over its own observed entries, so a pass
 * costs O(nnz · d · steps + rows · d² · steps) rather than O(users · items · d). Rows are solved in
 * parallel (dynamic chunks: heavy users and popular items are skewed) with {@link RowSolve}.
 */
public final class Ials implements RecallAlgorithm<IalsConfig> {
  public static final String NAME = "ials";

  /** Rows per transposed block when accumulating a Gram matrix. */
  private static final int GRAM_BLOCK = 512;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "implicit ALS (Hu et al. 2008; Rendle et al. 2021 regularisation), conjugate-gradient or Cholesky row solves";
  }

  @Override
  public IalsConfig defaultConfig() {
    return IalsConfig.defaults();
  }

  @Override
  public RecallModel train(Interactions train, IalsConfig config, TrainContext context) {
    return fit(train, config, context, null);
  }

  /**
   * Trains, and when {@code losses} is not null writes the loss after iteration t into
   * {@code losses[t]} (index 0 is the loss of the initial factors).
   */
  IalsModel fit(Interactions train, IalsConfig config, TrainContext context, double[] losses) {
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    int d = config.dim();
    int threads = config.threads() == 0 ? context.threads() : config.threads();
    VectorKernels k = Kernels.get();
    SplittableRandom random = new SplittableRandom(context.seed());
    float[] x = new float[numUsers * d];
    float[] y = new float[numItems * d];
    for (int n = 0; n < x.length; n++) {
      x[n] = (float) (random.nextGaussian() * config.initStd());
    }
    for (int n = 0; n < y.length; n++) {
      y[n] = (float) (random.nextGaussian() * config.initStd());
    }
    RowSolve[] solvers = new RowSolve[threads];
    for (int w = 0; w < threads; w++) {
      solvers[w] = new RowSolve(d, k);
    }
    Progress progress = context.progress();
    double[] gramY = gram(y, numItems, d, threads, k);
    if (losses != null) {
      losses[0] = loss(train, config, x, y, gram(x, numUsers, d, threads, k), gramY, threads, k);
    }
    for (int it = 1; it <= config.iterations(); it++) {
      long t0 = System.nanoTime();
      progress.start(String.format(Locale.ROOT, "iteration %d/%d", it, config.iterations()), numUsers + numItems);
      solveSide(x, numUsers, train.userPtr(), train.userItems(), train.userValues(), y, numItems, gramY, config,
          solvers, threads, progress);
      double[] gramX = gram(x, numUsers, d, threads, k);
      solveSide(y, numItems, train.itemPtr(), train.itemUsers(), train.itemValues(), x, numUsers, gramX, config,
          solvers, threads, progress);
      gramY = gram(y, numItems, d, threads, k);
      double seconds = (System.nanoTime() - t0) / 1e9;
      String line;
      if (losses != null) {
        losses[it] = loss(train, config, x, y, gramX, gramY, threads, k);
        line = String.format(Locale.ROOT, "iteration %d/%d loss %.6g, %.2f s", it, config.iterations(), losses[it],
            seconds);
      } else {
        line = String.format(Locale.ROOT, "iteration %d/%d, %.2f s", it, config.iterations(), seconds);
      }
      progress.finish(line);
    }
    return new IalsModel(config, train, d, x, y);
  }

  /**
   * Solves every row of {@code table} against the fixed side {@code fixed} (whose Gram matrix is
   * {@code gram}); rows without observed entries get the zero vector (their right-hand side is 0).
   */
  private static void solveSide(float[] table, int rows, int[] ptr, int[] idx, float[] values, float[] fixed,
      int others, double[] gram, IalsConfig c, RowSolve[] solvers, int threads, Progress progress) {
    int d = c.dim();
    double a0 = c.unobservedWeight();
    double shift = c.scheme() == IalsConfig.Scheme.HU ? a0 : 0;
    boolean cg = c.solver() == IalsConfig.Solver.CG;
    double[] scaled = new double[d * d];
    float[] scaledF = new float[d * d];
    for (int n = 0; n < d * d; n++) {
      scaled[n] = a0 * gram[n];
      scaledF[n] = (float) scaled[n];
    }
    float alpha = (float) c.alpha();
    int steps = c.cgSteps();
    Parallel.forRange(rows, threads, 64, (w, from, to) -> {
      RowSolve solve = solvers[w];
      for (int row = from; row < to; row++) {
        int lo = ptr[row];
        int hi = ptr[row + 1];
        int off = row * d;
        if (lo == hi) {
          java.util.Arrays.fill(table, off, off + d, 0f);
          continue;
        }
        double lambda = c.rowReg(hi - lo, others);
        if (cg) {
          solve.conjugateGradient(scaledF, (float) lambda, fixed, idx, values, lo, hi, alpha, (float) shift, table,
              off, steps);
        } else {
          solve.cholesky(scaled, lambda, fixed, idx, values, lo, hi, c.alpha(), shift, table, off);
        }
      }
      progress.advance(to - from);
    });
  }

  /** {@code TᵀT} (d×d, row-major, double) of a row-major table with {@code rows} rows. */
  static double[] gram(float[] table, int rows, int d, int threads, VectorKernels k) {
    double[][] partial = new double[threads][d * d];
    float[][] blocks = new float[threads][d * GRAM_BLOCK];
    float[][] products = new float[threads][d * d];
    Parallel.forRange(rows, threads, GRAM_BLOCK, (w, from, to) -> {
      int n = to - from;
      float[] block = blocks[w];
      float[] product = products[w];
      // Transposed block (d rows of n): then block · blockᵀ is the block's contribution to TᵀT.
      for (int j = 0; j < n; j++) {
        int off = (from + j) * d;
        for (int f = 0; f < d; f++) {
          block[f * n + j] = table[off + f];
        }
      }
      java.util.Arrays.fill(product, 0f);
      k.gemm(block, 0, d, block, 0, d, n, product, 0, d);
      double[] acc = partial[w];
      for (int m = 0; m < d * d; m++) {
        acc[m] += product[m];
      }
    });
    double[] g = partial[0];
    for (int w = 1; w < threads; w++) {
      for (int m = 0; m < d * d; m++) {
        g[m] += partial[w][m];
      }
    }
    return g;
  }

  /** The loss of {@link IalsConfig} for the given factors and their Gram matrices. */
  static double loss(Interactions train, IalsConfig c, float[] x, float[] y, double[] gramX, double[] gramY,
      int threads, VectorKernels k) {
    int d = c.dim();
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    int[] ptr = train.userPtr();
    int[] items = train.userItems();
    float[] values = train.userValues();
    double a0 = c.unobservedWeight();
    double shift = c.scheme() == IalsConfig.Scheme.HU ? a0 : 0;
    double[] partial = new double[threads];
    Parallel.forRange(numUsers, threads, 256, (w, from, to) -> {
      double s = 0;
      for (int u = from; u < to; u++) {
        for (int e = ptr[u]; e < ptr[u + 1]; e++) {
          double score = k.dot(x, u * d, y, items[e] * d, d);
          double conf = 1 + c.alpha() * values[e];
          s += conf * (score - 1) * (score - 1) - shift * score * score;
        }
        s += c.rowReg(ptr[u + 1] - ptr[u], numItems) * k.sumOfSquares(x, u * d, d);
      }
      partial[w] += s;
    });
    double total = 0;
    for (double p : partial) {
      total += p;
    }
    double all = 0; // sum over all pairs of score² = <XᵀX, YᵀY>
    for (int m = 0; m < d * d; m++) {
      all += gramX[m] * gramY[m];
    }
    total += a0 * all;
    for (int i = 0; i < numItems; i++) {
      total += c.rowReg(train.itemDegree(i), numUsers) * k.sumOfSquares(y, i * d, d);
    }
    return total;
  }

  @Override
  public RecallModel read(DataInput in, IalsConfig config, Interactions train) throws IOException {
    FactorModel.Tables t = FactorModel.readTables(in, NAME, config.dim(), train);
    return new IalsModel(config, train, t.dim(), t.userVectors(), t.itemVectors());
  }
}
