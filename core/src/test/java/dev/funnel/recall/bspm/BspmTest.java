package dev.funnel.recall.bspm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.funnel.data.Interactions;
import dev.funnel.linalg.SymmetricEigen;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.bspm.BspmConfig.Solver;
import dev.funnel.util.Progress;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * BSPM against a dense double-precision transcription of its definition: R̃, P̃ = R̃ᵀR̃ and the top
 * eigenvectors of P̃ formed explicitly, the sharpening ODE solved as its step polynomial (one RK4 step
 * of the linear ODE {@code s' = -s P̃} is {@code s (I - hP̃ + (hP̃)²/2 - (hP̃)³/6 + (hP̃)⁴/24)}, one
 * Euler step {@code s (I - hP̃)}).
 */
class BspmTest {
  private static final int USERS = 30;
  private static final int ITEMS = 20;

  private static Interactions randomMatrix(Random random) {
    int[] ptr = new int[USERS + 1];
    int[] items = new int[USERS * ITEMS];
    int c = 0;
    for (int u = 0; u < USERS; u++) {
      for (int i = 0; i < ITEMS; i++) {
        // every item gets user i % USERS, every user at least item u % ITEMS
        if (random.nextDouble() < 0.2 || i == u % ITEMS) {
          items[c++] = i;
        }
      }
      ptr[u + 1] = c;
    }
    return new Interactions(USERS, ITEMS, ptr, java.util.Arrays.copyOf(items, c), new float[c], new long[c]);
  }

  /** The dense reference scores of row r of R (binary) under {@code config}, exact top-k subspace. */
  private static double[] reference(Interactions train, BspmConfig config, double[] r) {
    int n = ITEMS;
    double[] rt = new double[USERS * n];
    for (int u = 0; u < USERS; u++) {
      for (int i : train.itemsOf(u)) {
        rt[u * n + i] = 1 / Math.sqrt((double) train.userDegree(u) * train.itemDegree(i));
      }
    }
    double[] p = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int u = 0; u < USERS; u++) {
          p[i * n + j] += rt[u * n + i] * rt[u * n + j];
        }
      }
    }
    double[] s = times(r, p);
    SymmetricEigen eig = SymmetricEigen.of(p, n);
    double beta = config.idealWeight();
    for (int j = 0; j < config.factors(); j++) {
      double a = 0;
      for (int i = 0; i < n; i++) {
        a += r[i] / Math.sqrt(train.itemDegree(i)) * eig.vector(j, i);
      }
      for (int i = 0; i < n; i++) {
        s[i] += beta * a * eig.vector(j, i) * Math.sqrt(train.itemDegree(i));
      }
    }
    double h = config.sharpenTime() / config.sharpenSteps();
    if (config.sharpenTime() > 0) {
      for (int step = 0; step < config.sharpenSteps(); step++) {
        int order = config.solver() == Solver.RK4 ? 4 : 1;
        double[] term = s.clone();
        double[] next = s.clone();
        for (int m = 1; m <= order; m++) {
          term = times(term, p);
          for (int i = 0; i < n; i++) {
            term[i] *= -h / m;
            next[i] += term[i];
          }
        }
        s = next;
      }
    }
    return s;
  }

  private static double[] times(double[] row, double[] p) {
    int n = row.length;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        out[j] += row[i] * p[i * n + j];
      }
    }
    return out;
  }

  private static void assertMatchesReference(BspmConfig config) {
    long seed = System.nanoTime();
    System.out.println("BspmTest seed " + seed + " " + config);
    Interactions train = randomMatrix(new Random(seed));
    RecallModel model = new Bspm().train(train, config, new TrainContext(2, seed, Progress.NONE));
    float[] got = new float[ITEMS];
    for (int u = 0; u < USERS; u++) {
      double[] r = new double[ITEMS];
      for (int i : train.itemsOf(u)) {
        r[i] = 1;
      }
      double[] want = reference(train, config, r);
      model.scoreUser(u, got);
      for (int i = 0; i < ITEMS; i++) {
        assertThat((double) got[i]).as("seed %d user %d item %d", seed, u, i)
            .isCloseTo(want[i], offset(2e-5 * (1 + Math.abs(want[i]))));
      }
    }
  }

  @Test
  void rk4SharpeningMatchesTheDenseDefinition() {
    // oversample to the full dimension: the subspace is then exact whatever the spectrum
    assertMatchesReference(new BspmConfig(5, 0.3, 1.3, 2, Solver.RK4, ITEMS - 5, 2, 0));
  }

  @Test
  void eulerSharpeningMatchesTheDenseDefinition() {
    assertMatchesReference(new BspmConfig(7, 0.2, 0.8, 3, Solver.EULER, ITEMS - 7, 2, 0));
  }

  @Test
  void gfcfIsTheCaseWithoutSharpening() {
    assertMatchesReference(new BspmConfig(4, 0.3, 0, 1, Solver.RK4, ITEMS - 4, 2, 0));
  }

  @Test
  void noIdealFilterNeedsNoFactors() {
    assertMatchesReference(new BspmConfig(0, 0, 2.5, 1, Solver.RK4, 0, 0, 0));
  }

  /** The scores are linear in the history: triggers alone reproduce a user's own row, and weights scale. */
  @Test
  void historyTriggersActLikeTrainingRows() {
    long seed = System.nanoTime();
    System.out.println("BspmTest seed " + seed);
    Interactions train = randomMatrix(new Random(seed));
    BspmConfig config = new BspmConfig(5, 0.2, 2.5, 1, Solver.RK4, ITEMS - 5, 2, 0);
    BspmModel model = (BspmModel) new Bspm().train(train, config, new TrainContext(1, seed, Progress.NONE));
    int user = 3;
    int[] items = train.itemsOf(user);
    float[] ones = new float[items.length];
    java.util.Arrays.fill(ones, 1f);
    ScoredItems own = model.recommend(user, ITEMS, ItemFilter.ALL);
    ScoredItems fromTriggers = model.recommendFromHistory(-1, items, ones, ITEMS, ItemFilter.ALL);
    assertThat(fromTriggers.items()).as("seed %d", seed).containsExactly(own.items());
    float[] three = ones.clone();
    java.util.Arrays.fill(three, 3f);
    ScoredItems scaled = model.recommendFromHistory(-1, items, three, ITEMS, ItemFilter.ALL);
    for (int n = 0; n < ITEMS; n++) {
      assertThat(scaled.score(n)).as("seed %d rank %d", seed, n).isCloseTo(3 * own.score(n), offset(1e-5f * (1 + Math.abs(3 * own.score(n)))));
    }
    assertThat(model.recommendFromHistory(user, new int[0], new float[0], ITEMS, ItemFilter.ALL)).isEqualTo(own);
    assertThatThrownBy(() -> model.recommendFromHistory(-1, new int[] {ITEMS}, new float[] {1}, 3, ItemFilter.ALL))
        .hasMessageContaining("trigger item 20 is not an item of the model (0..19)");
    assertThatThrownBy(() -> model.recommendFromHistory(-1, new int[] {1, 2}, new float[] {1}, 3, ItemFilter.ALL))
        .hasMessageContaining("differ in length: 2 vs 1");
  }

  @Test
  void eigenvaluesAreTheSquaredSingularValues() {
    long seed = System.nanoTime();
    System.out.println("BspmTest seed " + seed);
    Interactions train = randomMatrix(new Random(seed));
    BspmModel model = (BspmModel) new Bspm().train(train, new BspmConfig(3, 0.2, 0, 1, Solver.RK4, ITEMS - 3, 3, 0),
        new TrainContext(1, seed, Progress.NONE));
    // the largest eigenvalue of the symmetric-normalised P̃ is 1 (the degree vector is its eigenvector)
    assertThat(model.eigenvalues()[0]).as("seed %d", seed).isCloseTo(1f, offset(1e-5f));
    assertThat(model.eigenvalues()[1]).isLessThanOrEqualTo(model.eigenvalues()[0]);
  }

  /**
   * With neighbors N the served model holds each item's exact filtered row cut to its N largest
   * positive entries: with N = all, a user's score of an unseen item with evidence is the sum of the
   * positive parts of its items' rows; with N = 3, an item's similar items start with its row's top 3.
   */
  @Test
  void neighbourListsAreTheExactRowsCut() {
    long seed = System.nanoTime();
    System.out.println("BspmTest seed " + seed);
    Interactions train = randomMatrix(new Random(seed));
    BspmConfig exactConfig = new BspmConfig(5, 0.2, 2.5, 1, Solver.RK4, ITEMS - 5, 2, 0);
    BspmModel exact = (BspmModel) new Bspm().train(train, exactConfig, new TrainContext(1, seed, Progress.NONE));
    float[] f = new float[ITEMS * ITEMS];
    exact.scoreItemRows(0, ITEMS, f);
    RecallModel all = new Bspm().train(train, new BspmConfig(5, 0.2, 2.5, 1, Solver.RK4, ITEMS - 5, 2, ITEMS),
        new TrainContext(2, seed, Progress.NONE));
    assertThat(all).isInstanceOf(dev.funnel.recall.neighbors.ItemNeighborModel.class);
    float[] got = new float[ITEMS];
    int checked = 0;
    for (int u = 0; u < USERS; u++) {
      all.scoreUser(u, got);
      java.util.Set<Integer> seen = new java.util.HashSet<>();
      for (int i : train.itemsOf(u)) {
        seen.add(i);
      }
      for (int j = 0; j < ITEMS; j++) {
        if (seen.contains(j)) {
          continue;
        }
        double want = 0;
        for (int i : seen) {
          want += Math.max(0, f[i * ITEMS + j]);
        }
        if (want > 0) {
          checked++;
          assertThat((double) got[j]).as("seed %d user %d item %d", seed, u, j).isCloseTo(want, offset(1e-5 * (1 + want)));
        }
      }
    }
    assertThat(checked).as("items with evidence").isGreaterThan(USERS);
    RecallModel three = new Bspm().train(train, new BspmConfig(5, 0.2, 2.5, 1, Solver.RK4, ITEMS - 5, 2, 3),
        new TrainContext(1, seed, Progress.NONE));
    for (int i = 0; i < ITEMS; i++) {
      float[] row = java.util.Arrays.copyOfRange(f, i * ITEMS, (i + 1) * ITEMS);
      row[i] = Float.NEGATIVE_INFINITY;
      ScoredItems want = dev.funnel.util.TopK.select(row, 3, ItemFilter.ALL);
      ScoredItems have = three.similarItems(i, 3, ItemFilter.ALL);
      for (int r = 0; r < 3 && want.score(r) > 0; r++) {
        assertThat(have.item(r)).as("seed %d item %d rank %d", seed, i, r).isEqualTo(want.item(r));
      }
    }
  }

  @Test
  void badSettingsAreNamed() {
    assertThatThrownBy(() -> new BspmConfig(-1, 0.2, 1, 1, Solver.RK4, 0, 0, 0)).hasMessageContaining("factors=-1");
    assertThatThrownBy(() -> new BspmConfig(4, Double.NaN, 1, 1, Solver.RK4, 0, 0, 0)).hasMessageContaining("idealWeight=NaN");
    assertThatThrownBy(() -> new BspmConfig(4, 0.2, -1, 1, Solver.RK4, 0, 0, 0)).hasMessageContaining("sharpenTime=-1");
    assertThatThrownBy(() -> new BspmConfig(4, 0.2, 1, 0, Solver.RK4, 0, 0, 0)).hasMessageContaining("sharpenSteps=0");
    assertThatThrownBy(() -> new BspmConfig(4, 0.2, 1, 1, null, 0, 0, 0)).hasMessageContaining("solver");
    assertThatThrownBy(() -> new BspmConfig(4, 0.2, 1, 1, Solver.RK4, 0, 0, -2)).hasMessageContaining("neighbors=-2");
  }
}
