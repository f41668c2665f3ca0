package dev.funnel.recall.simplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.config.Params;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.train.WorkerRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference check of the whole SimpleX batch gradient: tower, dropout-free user vectors,
 * normalisation, positive cosine and hinged negative cosines through the shared-negative GEMM.
 */
class SimplexBatchTest {
  static final int DIM = 4;
  static final int USERS = 3;
  static final int ITEMS = 6;
  // The fixture SimplexCrossAttentionTest shares. User 0: items 0, 1, 2; user 1: items 2, 3; user 2: item 5
  static final int[] PTR = {0, 3, 5, 6};
  static final int[] HISTORY = {0, 1, 2, 2, 3, 5};
  /** Three examples (user 0 twice), five shared negatives (item 4 twice, and a positive of user 1). */
  static final int[] EX_USERS = {0, 1, 0};
  static final int[] EX_POS = {1, 3, 0};
  static final int[] NEGATIVES = {4, 2, 4, 5, 0};

  private final SimplexConfig config = Params.bind(SimplexConfig.defaults(), Map.of("dim", String.valueOf(DIM),
      "negatives", "5", "margin", "-0.3", "negativeWeight", "3", "gamma", "0.4", "dropout", "0", "batchSize", "3"));
  private float[] e;
  private float[] q;
  private float[] v;

  /** Non-null: the seed of the history draws (the same draw at every call, so the loss is a function). */
  private Long historySeed;
  /** Non-null: the seed of the dropout masks (the same masks at every call). */
  private Long dropoutSeed;
  /** The negatives passed to the batch: shared, or B x N with per-example negatives. */
  private int[] negatives = NEGATIVES;

  private double meanLoss(SimplexBatch batch) {
    batch.set(EX_USERS, EX_POS, negatives, historySeed == null ? null : new WorkerRandom(historySeed));
    return batch.forwardBackward(dropoutSeed == null ? null : new WorkerRandom(dropoutSeed)) / EX_USERS.length;
  }

  @Test
  void gradientMatchesCentralDifferencesWithDropoutBeforeTheNormalisation() {
    dropoutSeed = 5L;
    gradientMatchesCentralDifferences(Params.bind(config, Map.of("dropout", "0.3")), false);
  }

  @Test
  void gradientMatchesCentralDifferencesWithDropoutAfterTheNormalisation() {
    dropoutSeed = 5L;
    gradientMatchesCentralDifferences(Params.bind(config, Map.of("dropout", "0.3", "dropoutAfterNorm", "true")), true);
    gradientMatchesCentralDifferences(Params.bind(config, Map.of("dropout", "0.3", "dropoutAfterNorm", "true")), false);
  }

  /** A history table of its own: the towers' gradient goes to h, the scores' to q. */
  @Test
  void gradientMatchesCentralDifferencesWithAHistoryTableOfItsOwn() {
    gradientMatchesCentralDifferences(Params.bind(config, Map.of("historyTable", "true", "margin", "0.2")), true);
    gradientMatchesCentralDifferences(Params.bind(config, Map.of("historyTable", "true", "margin", "0.2")), false);
    negatives = new int[] {4, 2, 4, 5, 0, 3, 3, 1, 0, 4, 5, 1, 2, 2, 4};
    gradientMatchesCentralDifferences(Params.bind(config, Map.of("historyTable", "true", "margin", "0.2", "perExampleNegatives",
        "true")), false);
  }

  /** Per-example negatives: each example its own five (repeats, an own positive, another's positive). */
  @Test
  void gradientMatchesCentralDifferencesWithPerExampleNegatives() {
    negatives = new int[] {4, 2, 4, 5, 0, /* x1 */ 3, 3, 1, 0, 4, /* x2 */ 5, 1, 2, 2, 4};
    gradientMatchesCentralDifferences(Params.bind(config, Map.of("perExampleNegatives", "true")), false);
    dropoutSeed = 9L;
    gradientMatchesCentralDifferences(Params.bind(config, Map.of("perExampleNegatives", "true", "dropout", "0.2",
        "dropoutAfterNorm", "true")), false);
  }

  /** Shared negatives and per-example negatives that repeat the shared set give the same loss and gradient. */
  @Test
  void perExampleNegativesRepeatingTheSharedSetMatchTheSharedBatch() {
    long seed = 41L;
    System.out.println("seed " + seed);
    Random r = new Random(seed);
    e = random(r, USERS * DIM);
    q = random(r, ITEMS * DIM);
    v = random(r, DIM * DIM);
    SimplexBatch shared = new SimplexBatch(Kernels.scalar(), config, USERS, ITEMS, e, q, v, PTR, HISTORY);
    double sharedLoss = meanLoss(shared);
    negatives = new int[3 * NEGATIVES.length];
    for (int x = 0; x < 3; x++) {
      System.arraycopy(NEGATIVES, 0, negatives, x * NEGATIVES.length, NEGATIVES.length);
    }
    SimplexBatch each = new SimplexBatch(Kernels.scalar(),
        Params.bind(config, Map.of("perExampleNegatives", "true")), USERS, ITEMS, e, q, v, PTR, HISTORY);
    assertThat(meanLoss(each)).isCloseTo(sharedLoss, within(1e-5));
    for (int i = 0; i < ITEMS; i++) {
      float[] a = shared.itemGradient(i);
      float[] b = each.itemGradient(i);
      for (int d = 0; d < DIM; d++) {
        assertThat(b[d]).as("item %d", i).isCloseTo(a[d], within(1e-5f));
      }
    }
    for (int u = 0; u < USERS; u++) {
      float[] a = shared.userGradient(u);
      float[] b = each.userGradient(u);
      for (int d = 0; d < DIM; d++) {
        assertThat(b[d]).as("user %d", u).isCloseTo(a[d], within(1e-5f));
      }
    }
  }

  @Test
  void dropoutAfterTheNormalisationScalesTheUnitVector() {
    // one user, history {0}: t = 0.4 e + 0.6 V q_0; with V = 0 and e = (3, 4, 0, 0), t/|t| = (0.6, 0.8, 0, 0)
    SimplexConfig c = Params.bind(config, Map.of("dropout", "0.5", "dropoutAfterNorm", "true", "batchSize", "1",
        "negatives", "1", "margin", "0.9"));
    float[] users = {3, 4, 0, 0};
    float[] items = {0, 0, 0, 0, 1, 0, 0, 0}; // item 1 = (1, 0, 0, 0)
    SimplexBatch batch = new SimplexBatch(Kernels.scalar(), c, 1, 2, users, items, new float[DIM * DIM],
        new int[] {0, 1}, new int[] {0});
    long seed = 11L;
    System.out.println("seed " + seed);
    // the loss is 1 - s with s = mask_0 * 0.6 (mask entries 0 or 1 / 0.5 = 2): 1 - 1.2 or 1 - 0
    batch.set(new int[] {0}, new int[] {1}, new int[] {0}, null);
    double loss = batch.forwardBackward(new WorkerRandom(seed));
    assertThat(loss).satisfiesAnyOf(l -> assertThat(l).isCloseTo(1 - 1.2, within(1e-6)),
        l -> assertThat(l).isCloseTo(1.0, within(1e-6)));
  }

  @Test
  void clipScalesTheWholeGradientToTheNorm() {
    SimplexBatch batch = new SimplexBatch(Kernels.scalar(), config, USERS, ITEMS,
        e = random(new Random(3), USERS * DIM), q = random(new Random(4), ITEMS * DIM),
        v = random(new Random(5), DIM * DIM), PTR, HISTORY);
    meanLoss(batch);
    double before = norm(batch);
    assertThat(batch.clip((float) (10 * before))).isCloseTo(before, within(1e-5 * before));
    assertThat(norm(batch)).as("longer limit: unchanged").isCloseTo(before, within(1e-6 * before));
    float[] userBefore = batch.userGradient(0);
    float limit = (float) (before / 4);
    assertThat(batch.clip(limit)).isCloseTo(before, within(1e-5 * before));
    assertThat(norm(batch)).isCloseTo(limit, within(1e-5 * limit));
    float[] userAfter = batch.userGradient(0);
    for (int d = 0; d < DIM; d++) {
      assertThat(userAfter[d]).isCloseTo(userBefore[d] / 4, within(1e-6f + 1e-5f * Math.abs(userBefore[d])));
    }
  }

  /** The L2 norm of the whole gradient of the last batch, from the test accessors. */
  private static double norm(SimplexBatch batch) {
    double sq = 0;
    for (int u = 0; u < USERS; u++) {
      for (float g : batch.userGradient(u)) {
        sq += g * g;
      }
    }
    for (int i = 0; i < ITEMS; i++) {
      for (float g : batch.itemGradient(i)) {
        sq += g * g;
      }
    }
    for (float g : batch.vGradient()) {
      sq += g * g;
    }
    return Math.sqrt(sq);
  }

  @Test
  void gradientMatchesCentralDifferencesWithTheDenseBackward() {
    gradientMatchesCentralDifferences(true);
  }

  @Test
  void gradientMatchesCentralDifferencesWithTheSparseBackward() {
    gradientMatchesCentralDifferences(false);
  }

  @Test
  void gradientMatchesCentralDifferencesWithSampledHistories() {
    historySeed = 77L;
    SimplexConfig sampled = Params.bind(config, Map.of("historySample", "2"));
    SimplexBatch batch = gradientMatchesCentralDifferences(sampled, false);
    int[] drawn = batch.history(0);
    System.out.println("user 0 tower averaged items " + Arrays.toString(drawn));
    assertThat(drawn).hasSize(2).doesNotHaveDuplicates();
    assertThat(new int[] {0, 1, 2}).contains(drawn);
    assertThat(batch.history(1)).containsExactly(2, 3); // not longer than the sample: whole history
  }

  /**
   * The draw of S of a user's n items: S distinct items of the history, each item drawn with
   * probability S / n (so the draw's mean is an unbiased estimate of the history mean).
   */
  @Test
  void historyDrawsAreDistinctAndUniform() {
    int n = 10;
    int take = 3;
    int[] ptr = {0, n};
    int[] history = new int[n];
    for (int i = 0; i < n; i++) {
      history[i] = 2 * i + 1;
    }
    SimplexConfig c = Params.bind(config, Map.of("historySample", String.valueOf(take), "batchSize", "1"));
    SimplexBatch batch = new SimplexBatch(Kernels.scalar(), c, 1, 2 * n, new float[DIM], new float[2 * n * DIM],
        new float[DIM * DIM], ptr, history);
    long seed = 20261124L;
    System.out.println("seed " + seed);
    WorkerRandom random = new WorkerRandom(seed);
    int draws = 20_000;
    int[] count = new int[2 * n];
    for (int t = 0; t < draws; t++) {
      batch.set(new int[] {0}, new int[] {1}, new int[] {0, 2, 4, 6, 8}, random);
      int[] drawn = batch.history(0);
      assertThat(drawn).hasSize(take).doesNotHaveDuplicates();
      for (int item : drawn) {
        count[item]++;
      }
    }
    for (int i = 0; i < n; i++) {
      // p = 0.3, sd of the frequency sqrt(p (1-p) / draws) = 0.0032: 0.02 is over 6 sd
      assertThat(count[history[i]] / (double) draws).as("item %d", history[i]).isCloseTo(0.3, within(0.02));
    }
  }

  private void gradientMatchesCentralDifferences(boolean dense) {
    gradientMatchesCentralDifferences(config, dense);
  }

  private SimplexBatch gradientMatchesCentralDifferences(SimplexConfig config, boolean dense) {
    long seed = 1872L;
    System.out.println("seed " + seed);
    Random r = new Random(seed);
    e = random(r, USERS * DIM);
    q = random(r, ITEMS * DIM);
    v = random(r, DIM * DIM);
    VectorKernels k = Kernels.scalar();
    float[] h = config.historyTable() ? random(r, ITEMS * DIM) : q;
    SimplexBatch batch = new SimplexBatch(k, config, USERS, ITEMS, e, q, h, v, PTR, HISTORY);
    batch.denseBackward = dense;
    meanLoss(batch);
    float[] gradE = userGradients(batch);
    float[] gradQ = itemGradients(batch);
    float[] gradV = batch.vGradient();
    assertThat(batch.activePairs()).as("some negatives active, not all").isBetween(1L, 14L);

    check("e", e, gradE, batch);
    check("q", q, gradQ, batch);
    check("V", v, gradV, batch);
    if (h != q) {
      float[] gradH = historyGradients(batch);
      check("h", h, gradH, batch);
      for (int d = 0; d < DIM; d++) {
        assertThat(gradH[4 * DIM + d]).as("item 4 is in no history").isZero();
      }
    }
    for (int d = 0; d < DIM; d++) {
      assertThat(gradE[2 * DIM + d]).as("user 2 is not in the batch").isZero();
    }
    return batch;
  }

  private void check(String name, float[] param, float[] grad, SimplexBatch batch) {
    checkCentralDifferences(name, param, grad, () -> meanLoss(batch));
  }

  /**
   * Central differences of {@code loss} (float forward, double sums) in every entry of {@code param}
   * against the analytic gradient {@code grad}.
   */
  static void checkCentralDifferences(String name, float[] param, float[] grad, DoubleSupplier loss) {
    checkCentralDifferences(name, param, grad, loss, 3e-3);
  }

  /** As above, within {@code tolerance} absolute plus {@code tolerance} relative. */
  static void checkCentralDifferences(String name, float[] param, float[] grad, DoubleSupplier loss, double tolerance) {
    float h = 1e-3f;
    for (int p = 0; p < param.length; p++) {
      float old = param[p];
      param[p] = old + h;
      double up = loss.getAsDouble();
      param[p] = old - h;
      double down = loss.getAsDouble();
      param[p] = old;
      double numeric = (up - down) / (2 * h);
      assertThat((double) grad[p]).as("%s[%d]", name, p)
          .isCloseTo(numeric, within(tolerance + tolerance * Math.abs(numeric)));
    }
  }

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int k = 0; k < n; k++) {
      a[k] = (float) r.nextGaussian();
    }
    return a;
  }

  /** The batch's user-table gradient, every fixture user's row in place. */
  static float[] userGradients(SimplexBatch batch) {
    return rows(USERS, batch::userGradient);
  }

  /** The batch's history-table gradient, every fixture item's row in place. */
  static float[] historyGradients(SimplexBatch batch) {
    return rows(ITEMS, batch::historyGradient);
  }

  /** The batch's item-table gradient, every fixture item's row in place. */
  static float[] itemGradients(SimplexBatch batch) {
    return rows(ITEMS, batch::itemGradient);
  }

  /** Rows 0..n-1 of DIM floats each, laid out as one table. */
  private static float[] rows(int n, java.util.function.IntFunction<float[]> row) {
    float[] g = new float[n * DIM];
    for (int r = 0; r < n; r++) {
      System.arraycopy(row.apply(r), 0, g, r * DIM, DIM);
    }
    return g;
  }
}
