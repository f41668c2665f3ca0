package dev.funnel.recall.simplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.funnel.recall.simplex.SimplexBatchTest.DIM;
import static dev.funnel.recall.simplex.SimplexBatchTest.EX_POS;
import static dev.funnel.recall.simplex.SimplexBatchTest.EX_USERS;
import static dev.funnel.recall.simplex.SimplexBatchTest.HISTORY;
import static dev.funnel.recall.simplex.SimplexBatchTest.ITEMS;
import static dev.funnel.recall.simplex.SimplexBatchTest.NEGATIVES;
import static dev.funnel.recall.simplex.SimplexBatchTest.PTR;
import static dev.funnel.recall.simplex.SimplexBatchTest.USERS;
import static dev.funnel.recall.simplex.SimplexBatchTest.historyGradients;
import static dev.funnel.recall.simplex.SimplexBatchTest.itemGradients;
import static dev.funnel.recall.simplex.SimplexBatchTest.userGradients;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.config.Params;
import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.util.Progress;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The cross-attention user tower ({@link CrossAttentionAggregator}): a hand-computed forward case, finite
 * differences of the whole batch loss with respect to every parameter it reaches, the padding term, the
 * config, serving and the model file, and learning on the clustered toy set.
 */
class SimplexCrossAttentionTest {
  // SimplexBatchTest's fixture (DIM, USERS, ITEMS, PTR, HISTORY, EX_USERS, EX_POS, NEGATIVES): user 0 has
  // items 0, 1, 2, user 1 items 2, 3, user 2 item 5 (the longest history: 3); examples (0, 1), (1, 3),
  // (0, 0); five shared negatives
  private final SimplexConfig config = Params.bind(SimplexConfig.defaults(), Map.of("dim", String.valueOf(DIM),
      "negatives", "5", "margin", "-0.3", "negativeWeight", "3", "gamma", "0.4", "dropout", "0", "batchSize", "3",
      "aggregator", "CROSS_ATTENTION"));
  private Long historySeed;

  /**
   * dim 2, e_u = (1, 0), history rows h_1 = (1, 0), h_2 = (0, 1), W_k = V = I, b = 0, gamma 0.8:
   * k_1 = (tanh 1, 0), k_2 = (0, tanh 1), s_1 = tanh 1 = 0.7615942, s_2 = 0; with no padding alpha_1 =
   * e^s1 / (e^s1 + 1) = 0.6816997, alpha_2 = 0.3183003, t = 0.8 e_u + 0.2 a = (0.9363399, 0.0636601);
   * padded to length 5 (three pads, exp(0) = 1 each): alpha = (0.3487132, 0.1628217), t = (0.8697426, 0.0325643).
   */
  @Test
  void forwardOfATwoItemHistoryInDimTwoMatchesTheHandComputation() {
    float[] user = {1, 0};
    float[] table = {1, 0, 0, 1};
    int[] history = {0, 1};
    float[] identity = {1, 0, 0, 1};
    float[] bias = {0, 0};
    for (VectorKernels k : new VectorKernels[] {Kernels.scalar(), Kernels.get()}) {
      float[] rows = new float[4];
      float[] keys = new float[4];
      float[] alpha = new float[2];
      float[] agg = new float[2];
      float[] out = new float[2];
      CrossAttentionAggregator.forward(k, user, 0, table, history, 0, 2, identity, bias, identity, 0.8f, 0f, 2, rows,
          keys, 0, alpha, 0, agg, 0, out, 0);
      assertThat(keys).containsExactly(new float[] {0.7615942f, 0, 0, 0.7615942f}, within(1e-6f));
      assertThat(alpha).containsExactly(new float[] {0.6816997f, 0.3183003f}, within(1e-6f));
      assertThat(out).containsExactly(new float[] {0.9363399f, 0.0636601f}, within(1e-6f));
      float pad = SimplexConfig.attentionPad(5, 2, 2);
      assertThat(pad).isEqualTo(3f);
      CrossAttentionAggregator.forward(k, user, 0, table, history, 0, 2, identity, bias, identity, 0.8f, pad, 2, rows,
          keys, 0, alpha, 0, agg, 0, out, 0);
      assertThat(alpha).containsExactly(new float[] {0.3487132f, 0.1628217f}, within(1e-6f));
      assertThat(out).containsExactly(new float[] {0.8697426f, 0.0325643f}, within(1e-6f));
    }
  }

  /** The one-user forward/backward (serving's path; the batch splits it in two): L = probe . t, central differences. */
  @Test
  void oneUserBackwardMatchesCentralDifferences() {
    long seed = 2021L;
    System.out.println("seed " + seed);
    Random r = new Random(seed);
    int dim = 5;
    int[] history = {9, 2, 4, 2, 6, 9}; // rows [1, 5): items 2, 4, 2, 6 (item 2 twice)
    float[][] params = {random(r, dim, 1), random(r, 10 * dim, 1), random(r, dim * dim, 0.7), random(r, dim, 0.5),
        random(r, dim * dim, 1)};
    float[] probe = random(r, dim, 1);
    float pad = 2.5f;
    java.util.function.DoubleSupplier loss = () -> {
      float[] out = new float[dim];
      CrossAttentionAggregator.forward(Kernels.scalar(), params[0], 0, params[1], history, 1, 5, params[2], params[3],
          params[4], 0.3f, pad, dim, new float[4 * dim], new float[4 * dim], 0, new float[4], 0, new float[dim], 0, out,
          0);
      double l = 0;
      for (int d = 0; d < dim; d++) {
        l += (double) probe[d] * out[d];
      }
      return l;
    };
    float[] rows = new float[4 * dim];
    float[] keys = new float[4 * dim];
    float[] alpha = new float[4];
    float[] agg = new float[dim];
    CrossAttentionAggregator.forward(Kernels.scalar(), params[0], 0, params[1], history, 1, 5, params[2], params[3],
        params[4], 0.3f, pad, dim, rows, keys, 0, alpha, 0, agg, 0, new float[dim], 0);
    float[][] grads = {new float[dim], new float[10 * dim], new float[dim * dim], new float[dim], new float[dim * dim]};
    CrossAttentionAggregator.backward(Kernels.scalar(), probe, 0, params[0], 0, history, 1, 5, params[2], params[4],
        0.3f, dim, rows, keys, 0, alpha, 0, agg, 0, grads[0], 0, grads[2], grads[3], grads[4], grads[1],
        new float[dim], new float[4 * dim], new float[4 * dim]);
    String[] names = {"e", "h", "W_k", "b", "V"};
    for (int t = 0; t < params.length; t++) {
      SimplexBatchTest.checkCentralDifferences(names[t], params[t], grads[t], loss, 2e-3);
    }
    assertThat(grads[1][9 * dim]).as("item 9 is outside the history window").isZero();
  }

  /** Large scores must not overflow exp: the max is factored out, the weights stay a (padded) softmax. */
  @Test
  void largeScoresStayFinite() {
    float[] user = {400, 0};
    float[] table = {1, 0, -1, 0};
    float[] identity = {1, 0, 0, 1};
    float[] bigKeys = {30, 0, 0, 30}; // tanh saturates: s = +-400
    float[] alpha = new float[2];
    float[] out = new float[2];
    CrossAttentionAggregator.forward(Kernels.scalar(), user, 0, table, new int[] {0, 1}, 0, 2, bigKeys, new float[2],
        identity, 0f, 1000f, 2, new float[4], new float[4], 0, alpha, 0, new float[2], 0, out, 0);
    assertThat(alpha[0]).isCloseTo(1f, within(1e-6f));
    assertThat(alpha[1]).isCloseTo(0f, within(1e-6f));
    assertThat(out).containsExactly(new float[] {1, 0}, within(1e-6f));
  }

  @Test
  void paddingTermIsScaledToTheSample() {
    assertThat(SimplexConfig.attentionPad(811, 100, 32)).isCloseTo(711f * 32 / 100, within(1e-3f));
    assertThat(SimplexConfig.attentionPad(811, 20, 20)).isEqualTo(791f);
    assertThat(SimplexConfig.attentionPad(10, 20, 20)).as("longer than L: no pads").isZero();
    assertThat(SimplexConfig.attentionPad(0, 20, 20)).as("no padding term").isZero();
    assertThat(config.attentionPadLength(811)).as("-1: the longest history").isEqualTo(811);
    assertThat(Params.bind(config, Map.of("attentionPadding", "50")).attentionPadLength(811)).isEqualTo(50);
  }

  @Test
  void gradientMatchesCentralDifferencesWithoutPadding() {
    gradientMatchesCentralDifferences(Params.bind(config, Map.of("attentionPadding", "0")), true);
  }

  @Test
  void gradientMatchesCentralDifferencesWithTheLongestHistoryPadding() {
    // L = 3: user 1 (2 items) has one pad, user 0 (3 items) none
    gradientMatchesCentralDifferences(config, false);
  }

  @Test
  void gradientMatchesCentralDifferencesWithAHistoryTableOfItsOwnAndPadding() {
    gradientMatchesCentralDifferences(Params.bind(config, Map.of("historyTable", "true", "attentionPadding", "7",
        "margin", "0.2")), true);
  }

  @Test
  void gradientMatchesCentralDifferencesWithSampledHistories() {
    historySeed = 77L;
    SimplexBatch batch = gradientMatchesCentralDifferences(Params.bind(config, Map.of("historySample", "2",
        "attentionPadding", "6")), false);
    assertThat(batch.history(0)).hasSize(2);
  }

  private double meanLoss(SimplexBatch batch) {
    batch.set(EX_USERS, EX_POS, NEGATIVES, historySeed == null ? null : new WorkerRandom(historySeed));
    return batch.forwardBackward(null) / EX_USERS.length;
  }

  private SimplexBatch gradientMatchesCentralDifferences(SimplexConfig c, boolean dense) {
    long seed = 1872L;
    System.out.println("seed " + seed);
    Random r = new Random(seed);
    float[] e = random(r, USERS * DIM, 1);
    float[] q = random(r, ITEMS * DIM, 1);
    float[] v = random(r, DIM * DIM, 1);
    float[] wk = random(r, DIM * DIM, 0.7);
    float[] bk = random(r, DIM, 0.5);
    float[] h = c.historyTable() ? random(r, ITEMS * DIM, 1) : q;
    SimplexBatch batch = new SimplexBatch(Kernels.scalar(), c, USERS, ITEMS, e, q, h, v, wk, bk, PTR, HISTORY);
    batch.denseBackward = dense;
    meanLoss(batch);
    float[] gradE = userGradients(batch);
    float[] gradQ = itemGradients(batch);
    float[] gradV = batch.vGradient();
    float[] gradWk = batch.wkGradient();
    float[] gradB = batch.bGradient();
    assertThat(norm(gradWk)).as("W_k gets a gradient").isGreaterThan(1e-4);
    assertThat(norm(gradB)).as("b gets a gradient").isGreaterThan(1e-4);
    check("e", e, gradE, batch);
    check("q", q, gradQ, batch);
    check("V", v, gradV, batch);
    check("W_k", wk, gradWk, batch);
    check("b", bk, gradB, batch);
    if (h != q) {
      float[] gradH = historyGradients(batch);
      check("h", h, gradH, batch);
    }
    // the whole-gradient clip covers W_k and b too: clipping to half the norm halves them
    meanLoss(batch);
    double before = batch.clip(Float.MAX_VALUE);
    batch.clip((float) (before / 2));
    float[] halved = batch.wkGradient();
    for (int p = 0; p < halved.length; p++) {
      assertThat(halved[p]).isCloseTo(gradWk[p] / 2, within(1e-5f + 1e-4f * Math.abs(gradWk[p])));
    }
    assertThat(batch.bGradient()[0]).isCloseTo(gradB[0] / 2, within(1e-5f + 1e-4f * Math.abs(gradB[0])));
    return batch;
  }

  private void check(String name, float[] param, float[] grad, SimplexBatch batch) {
    SimplexBatchTest.checkCentralDifferences(name, param, grad, () -> meanLoss(batch));
  }

  private static double norm(float[] a) {
    double s = 0;
    for (float x : a) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static float[] random(Random r, int n, double scale) {
    float[] a = new float[n];
    for (int k = 0; k < n; k++) {
      a[k] = (float) (scale * r.nextGaussian());
    }
    return a;
  }

  @Test
  void configBindsAndValidatesTheAggregator() {
    assertThat(SimplexConfig.defaults().aggregator()).isEqualTo(SimplexAggregator.MEAN);
    assertThat(SimplexConfig.defaults().attentionPadding()).isEqualTo(-1);
    assertThat(Params.bind(SimplexConfig.defaults(), Map.of("aggregator", "cross-attention")).aggregator())
        .isEqualTo(SimplexAggregator.CROSS_ATTENTION);
    assertThatThrownBy(() -> Params.bind(SimplexConfig.defaults(), Map.of("aggregator", "attention")))
        .hasMessageContaining("aggregator");
    assertThatThrownBy(() -> Params.bind(SimplexConfig.defaults(), Map.of("attentionPadding", "-2")))
        .hasMessageContaining("attentionPadding=-2");
    SimplexConfig d = SimplexConfig.defaults();
    assertThatThrownBy(() -> new SimplexConfig(d.dim(), d.epochs(), d.learningRate(), d.optimizer(), d.l2(),
        d.negatives(), d.margin(), d.negativeWeight(), d.gamma(), d.dropout(), d.initStd(), d.batchSize(),
        d.historySample(), d.denseAdam(), d.clipNorm(), d.dropoutAfterNorm(), d.perExampleNegatives(),
        d.historyTable(), d.lrDecayEpoch(), d.lrDecayFactor(), d.shuffledEpochs(), d.threads(), null, -1))
        .hasMessageContaining("aggregator=null");
    // the model file stores Params.toStrings (lower-case enum names) and binds them back
    SimplexConfig stored = Params.bind(config, Map.of("attentionPadding", "811"));
    assertThat(Params.bind(SimplexConfig.defaults(), Params.toStrings(stored))).isEqualTo(stored);
    // a config stored before the field existed (no aggregator key) reads as the mean tower
    Map<String, String> old = new HashMap<>(Params.toStrings(Params.bind(config, Map.of("aggregator", "MEAN"))));
    old.remove("aggregator");
    old.remove("attentionPadding");
    assertThat(Params.bind(SimplexConfig.defaults(), old).aggregator()).isEqualTo(SimplexAggregator.MEAN);
    assertThatThrownBy(() -> new SimplexBatch(Kernels.scalar(), config, USERS, ITEMS, new float[USERS * DIM],
        new float[ITEMS * DIM], new float[DIM * DIM], PTR, HISTORY)).hasMessageContaining("W_k");
  }

  /** On the clustered toy set: with gamma 0 the user vector is the attention tower alone, and it learns. */
  @Test
  void learnsTheClusters() {
    long seed = 9L;
    System.out.println("seed " + seed);
    Interactions data = SimplexTest.clustered(seed);
    for (String gamma : new String[] {"0", "0.8"}) {
      SimplexConfig c = Params.bind(SimplexTest.small(2, 0.5), Map.of("aggregator", "CROSS_ATTENTION", "gamma", gamma,
          "historyTable", "true", "clipNorm", "1", "denseAdam", "true", "historySample", "3",
          "dropoutAfterNorm", "true"));
      SimplexModel model = (SimplexModel) new Simplex().train(data, c, new TrainContext(2, seed, Progress.NONE));
      double share = SimplexTest.inClusterShare(model, data);
      System.out.printf("cross attention, gamma %s: in-cluster above out-of-cluster for %.3f of pairs%n", gamma, share);
      assertThat(share).as("gamma %s", gamma).isGreaterThan(0.9);
    }
  }

  @Test
  void savedModelScoresTheSame() throws Exception {
    Interactions data = SimplexTest.clustered(3L);
    SimplexConfig c = Params.bind(SimplexTest.small(1, 0.5), Map.of("aggregator", "CROSS_ATTENTION"));
    SimplexTest.assertRoundTripScoresTheSame(data, c);
  }
}
