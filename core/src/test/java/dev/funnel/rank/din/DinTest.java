package dev.funnel.rank.din;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.config.Params;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.FiniteDifferences;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.RankModelFile;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.Synthetic;
import dev.funnel.rank.eval.RankMetrics;
import dev.funnel.rank.nn.Linear;
import dev.funnel.rank.nn.ParametricActivation;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DinTest {
  /** user 0-3, item 4-9, a multi-valued tag field 10-13 (the item side), history over the 6 items 14-19. */
  static final FieldMap FIELDS = FieldMap.parse("user:0-3,item:4-9,tag:10-13,history:14-19");

  /** Random rows: one user, one item, 1-2 tags with values in [0.5, 1.5), 0-4 history items; random weights. */
  private static SampleBatch batch(int n, Random rnd) {
    int[] ptr = new int[n + 1];
    int[] fs = new int[n * 8];
    float[] values = new float[n * 8];
    float[] labels = new float[n];
    float[] weights = new float[n];
    int k = 0;
    for (int r = 0; r < n; r++) {
      fs[k] = rnd.nextInt(4);
      values[k++] = 1f;
      fs[k] = 4 + rnd.nextInt(6);
      values[k++] = 1f;
      int tags = 1 + rnd.nextInt(2);
      for (int t = 0; t < tags; t++) {
        fs[k] = 10 + (t * 2 + rnd.nextInt(2));
        values[k++] = 0.5f + rnd.nextFloat();
      }
      int h = r == 0 ? 0 : 1 + rnd.nextInt(4); // row 0: an empty history
      for (int t = 0; t < h; t++) {
        fs[k] = 14 + rnd.nextInt(6);
        values[k++] = 1f;
      }
      ptr[r + 1] = k;
      labels[r] = rnd.nextBoolean() ? 1f : 0f;
      weights[r] = 0.5f + 1.5f * rnd.nextFloat();
    }
    return new SampleBatch(FIELDS, ptr, java.util.Arrays.copyOf(fs, k), java.util.Arrays.copyOf(values, k), labels, weights, null);
  }

  /** Mean weighted logistic loss of the batch with the training forward (Dice on batch statistics). */
  private static double meanLoss(DinNet net, VectorKernels k, SampleBatch batch) {
    DinNet.Pass pass = net.pass();
    net.forward(k, batch, null, 0, batch.size(), pass, true);
    return Synthetic.meanLogisticLoss(pass.logits, batch);
  }

  private static void check(String what, double analytic, double numeric) {
    assertThat(analytic).as(what).isCloseTo(numeric, within(3e-4 + 2e-2 * Math.abs(numeric)));
  }

  /**
   * The central difference with step 1e-3, or with 1e-4 when that disagrees with {@code analytic}:
   * PReLU is not differentiable at 0, and a pre-activation within a step of 0 makes the wider
   * difference straddle the kink (seen with seed 28859730053143); the narrower step is then checked.
   * A kink closer than 1e-4 (seed 42235870149278: within 3e-5..1e-4 on one side) shows as one-sided
   * differences that disagree with each other; then the analytic gradient must match the side without
   * the kink, so a wrong gradient, which matches neither side, still fails.
   */
  private static double numeric(double analytic, float[] w, int at, java.util.function.DoubleSupplier loss) {
    double wide = FiniteDifferences.central(w, at, 1e-3, loss);
    if (close(analytic, wide)) {
      return wide;
    }
    double narrow = FiniteDifferences.central(w, at, 1e-4, loss);
    if (close(analytic, narrow)) {
      return narrow;
    }
    double right = FiniteDifferences.oneSided(w, at, 1e-4, loss);
    double left = FiniteDifferences.oneSided(w, at, -1e-4, loss);
    if (!close(left, right)) {
      return Math.abs(analytic - left) < Math.abs(analytic - right) ? left : right;
    }
    return narrow;
  }

  private static boolean close(double analytic, double numeric) {
    return Math.abs(analytic - numeric) <= 3e-4 + 2e-2 * Math.abs(numeric);
  }

  private static void checkTower(String name, Tower tower, Tower.Work work, java.util.function.DoubleSupplier lossNow) {
    for (int i = 0; i < tower.layers.length; i++) {
      Linear l = tower.layers[i];
      for (int j = 0; j < l.params().length; j++) {
        check(name + " layer " + i + " param " + j, work.layerGrad[i][j], numeric(work.layerGrad[i][j], l.params(), j, lossNow));
      }
    }
    for (int i = 0; i < tower.activations.length; i++) {
      ParametricActivation a = tower.activations[i];
      for (int j = 0; j < a.params().length; j++) {
        check(name + " activation " + i + " param " + j, work.activationGrad[i][j],
            numeric(work.activationGrad[i][j], a.params(), j, lossNow));
      }
    }
  }

  /**
   * A random fixture; with PReLU one whose hidden pre-activations all lie at least 1e-2 from the kink at
   * 0, so a difference step of 1e-3 stays on one side (it failed CI three times without: steps of 1e-4
   * next to a kink are too noisy to tell a wrong gradient from a kink). The kink fallbacks of
   * {@link #numeric} keep their own seeded tests above.
   */
  private static void gradientCheck(DinActivation activation) {
    gradientCheck(activation, FiniteDifferences.seeded("DinTest finite differences " + activation),
        activation == DinActivation.PRELU ? 1e-2 : 0);
  }

  private static void gradientCheck(DinActivation activation, Random rnd) {
    gradientCheck(activation, rnd, 0);
  }

  /** The smallest |pre-activation| of the tower's hidden units in its last forward over m rows. */
  private static double kinkMargin(Tower tower, Tower.Work work, int m) {
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i < tower.activations.length; i++) {
      for (int j = 0; j < m * tower.layers[i].out(); j++) {
        min = Math.min(min, Math.abs(work.z[i][j]));
      }
    }
    return min;
  }

  /** A seed whose step of 1e-3 crossed a PReLU kink in the activation unit (see {@link #numeric}). */
  @Test
  void gradientsMatchAcrossAPReluKink() {
    gradientCheck(DinActivation.PRELU, new Random(28859730053143L));
  }

  /** A seed with a PReLU kink within 1e-4 of a weight (see {@link #numeric}); it failed CI once. */
  @Test
  void gradientsMatchNextToAPReluKink() {
    gradientCheck(DinActivation.PRELU, new Random(42235870149278L));
  }

  /** Checks every gradient on a fixture drawn from rnd, redrawn until its kink margin is at least minMargin. */
  private static void gradientCheck(DinActivation activation, Random rnd, double minMargin) {
    VectorKernels k = Kernels.get();
    DinConfig config = new DinConfig(3, "4", "5,3", activation, "item", "tag", "history", 7, 1e-3, 0, 0, 0.5, 1, 0);
    SampleBatch drawn;
    DinNet init;
    int draws = 0;
    double margin;
    do {
      do { // a fixture whose items carry more than 3 item-side features between them (7 random rows can have fewer)
        drawn = batch(7, rnd);
        init = Din.init(config, FIELDS, rnd.nextLong(), drawn);
      } while (init.itemSideFeatures.length <= 3);
      // non-zero biases and activation parameters, so their gradients matter
      for (Tower t : new Tower[] {init.attention, init.top}) {
        for (Linear l : t.layers) {
          for (int j = l.biasOffset(); j < l.params().length; j++) {
            l.params()[j] = (float) (0.2 * rnd.nextGaussian());
          }
        }
        for (ParametricActivation a : t.activations) {
          for (int j = 0; j < a.params().length; j++) {
            a.params()[j] = (float) (0.3 * rnd.nextGaussian());
          }
        }
      }
      DinNet.Pass probe = init.pass();
      init.forward(k, drawn, null, 0, drawn.size(), probe, true);
      margin = Math.min(kinkMargin(init.attention, probe.attentionWork, probe.pairs),
          kinkMargin(init.top, probe.topWork, drawn.size()));
      draws++;
    } while (margin < minMargin && draws < 1000);
    assertThat(margin).as("kink margin after %d draws", draws).isGreaterThanOrEqualTo(minMargin);
    SampleBatch batch = drawn;
    DinNet net = init;
    DinNet.Pass pass = net.pass();
    DinNet.SparseGradient g = new DinNet.SparseGradient(FIELDS.numFeatures(), config.dim());
    double loss = Din.gradients(net, k, batch, null, 0, batch.size(), pass, g);
    java.util.function.DoubleSupplier lossNow = () -> meanLoss(net, k, batch);
    assertThat(loss / batch.size()).isCloseTo(lossNow.getAsDouble(), within(1e-6));
    assertThat(pass.pairs).as("behaviour pairs").isGreaterThan(5);
    boolean[] touched = new boolean[FIELDS.numFeatures()];
    for (int t = 0; t < g.touchedCount; t++) {
      touched[g.touched[t]] = true;
    }
    for (int i = 0; i < FIELDS.numFeatures(); i++) {
      for (int d = 0; d < config.dim(); d++) {
        float analytic = touched[i] ? g.grad[i * config.dim() + d] : 0f;
        check("embedding " + i + "." + d, analytic, numeric(analytic, net.embeddings, i * config.dim() + d, lossNow));
      }
    }
    // history rows (14-19) are never trained: their items' rows (4-9) take the behaviours' gradients
    for (int i = 14; i < 20; i++) {
      assertThat(touched[i]).as("history row %d", i).isFalse();
    }
    checkTower("activation unit", net.attention, pass.attentionWork, lossNow);
    checkTower("top MLP", net.top, pass.topWork, lossNow);
  }

  @Test
  void gradientsMatchFiniteDifferencesWithDice() {
    gradientCheck(DinActivation.DICE);
  }

  @Test
  void gradientsMatchFiniteDifferencesWithPRelu() {
    gradientCheck(DinActivation.PRELU);
  }

  /**
   * A click needs the target to share a "taste" (item % 2) with the behaviours: only attention over the
   * history can see it; user and item alone give AUC near 0.5.
   */
  private static SampleBatch interestBatch(int n, Random rnd) {
    int[] ptr = new int[n + 1];
    int[] fs = new int[n * 8];
    float[] labels = new float[n];
    int k = 0;
    for (int r = 0; r < n; r++) {
      int taste = rnd.nextInt(2);
      fs[k++] = rnd.nextInt(4);
      int item = rnd.nextInt(6);
      fs[k++] = 4 + item;
      fs[k++] = 10 + rnd.nextInt(4);
      for (int t = 0; t < 4; t++) {
        fs[k++] = 14 + 2 * rnd.nextInt(3) + taste;
      }
      ptr[r + 1] = k;
      labels[r] = (item % 2 == taste) == (rnd.nextFloat() < 0.9f) ? 1f : 0f;
    }
    return new SampleBatch(FIELDS, ptr, java.util.Arrays.copyOf(fs, k), null, labels, null, null);
  }

  @Test
  void learnsInterestsOnlyTheHistoryRevealsAndRoundTrips() throws Exception {
    long seed = 7;
    Random rnd = new Random(seed);
    SampleBatch train = interestBatch(3000, rnd);
    SampleBatch validation = interestBatch(500, rnd);
    SampleBatch test = interestBatch(1000, rnd);
    DinConfig config = Params.bind(DinConfig.defaults(), Map.of("dim", "8", "hidden", "16", "attentionHidden", "8", "batchSize", "64",
        "learningRate", "0.01", "epochs", "8", "patience", "2"));
    RankModel model = new Din().fit(config, train, validation, new TrainContext(1, seed, Progress.NONE));
    double auc = RankMetrics.auc(model.score(test), test.labels());
    System.out.println("DinTest interest AUC " + auc + " (ceiling 0.9)");
    assertThat(auc).isGreaterThan(0.8);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RankModelFile.write(bytes, model);
    RankModel back = RankModelFile.read(new ByteArrayInputStream(bytes.toByteArray()));
    assertThat(back.algorithm()).isEqualTo("din");
    assertThat(back.score(test)).containsExactly(model.score(test));
    assertThat(Registry.rank("din")).isInstanceOf(Din.class);
  }

  @Test
  void refusesAHistoryFieldThatIsNotTheItemVocabularyAndNamesBadConfig() {
    FieldMap bad = FieldMap.parse("user:0-3,item:4-9,history:10-12");
    assertThatThrownBy(() -> Din.init(DinConfig.defaults(), bad, 1)).hasMessageContaining("history field 'history' has 3 features");
    assertThatThrownBy(() -> Din.init(DinConfig.defaults(), FieldMap.parse("user:0-3,item:4-9"), 1)).hasMessageContaining("unknown field 'history'");
    assertThatThrownBy(() -> Params.bind(DinConfig.defaults(), Map.of("attentionHidden", "36,x")))
        .hasMessageContaining("attentionHidden=36,x");
    assertThatThrownBy(() -> Params.bind(DinConfig.defaults(), Map.of("historyField", "item"))).hasMessageContaining("historyField=item");
  }
}
