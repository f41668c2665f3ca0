package dev.funnel.recall.mf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.train.optim.OptimizerKind;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference check of the shared-negative MF-BPR batch gradient (scores by GEMM, G N and Gᵀ U
 * backward, users and items repeated inside the batch), and a hand-computed loss.
 */
class SharedNegativeBatchTest {
  private static final int DIM = 4;
  private static final int USERS = 3;
  private static final int ITEMS = 6;
  /** Three examples (user 0 twice, item 1 both a positive and a negative) and four shared negatives (item 4 twice). */
  private static final int[] EX_USERS = {0, 1, 0};
  private static final int[] EX_POS = {1, 3, 0};
  private static final int[] NEGATIVES = {4, 1, 4, 5};
  /** Unused by the batch (examples are set explicitly), but sized like a real CSR. */
  private static final int[] USER_ITEMS = {0, 1, 3};

  /**
   * exampleNegatives: each example's own four (3 x 4): item 1 is example 0's positive and a negative of
   * examples 0 and 1 (twice); item 5 twice in example 2; items 2 and 0 appear too.
   */
  private static final int[] EX_NEGATIVES = {4, 1, 4, 5, 2, 1, 1, 0, 5, 5, 3, 1};

  private float[] p;
  private float[] q;
  private float[] bias;
  private int[] negatives = NEGATIVES;

  private static MfBprConfig config(boolean mean) {
    return new MfBprConfig(DIM, 1, 0.01, OptimizerKind.ADAM, 0, NEGATIVES.length, true, 0.1, EX_USERS.length, 1, true,
        mean, false);
  }

  private static MfBprConfig perExampleConfig(boolean mean) {
    return new MfBprConfig(DIM, 1, 0.01, OptimizerKind.ADAM, 0, NEGATIVES.length, true, 0.1, EX_USERS.length, 1, true,
        mean, false, false, 0, true);
  }

  private double loss(SharedNegativeBatch batch) {
    batch.set(EX_USERS, EX_POS, negatives);
    return batch.forwardBackward();
  }

  @Test
  void gradientMatchesCentralDifferencesSummedOverNegatives() {
    gradientMatchesCentralDifferences(false);
  }

  @Test
  void gradientMatchesCentralDifferencesAveragedOverNegatives() {
    gradientMatchesCentralDifferences(true);
  }

  private void gradientMatchesCentralDifferences(boolean mean) {
    long seed = 1627L;
    System.out.println("seed " + seed);
    Random r = new Random(seed);
    p = random(r, USERS * DIM);
    q = random(r, ITEMS * DIM);
    bias = random(r, ITEMS);
    for (VectorKernels k : new VectorKernels[] {Kernels.scalar(), Kernels.get()}) {
      SharedNegativeBatch batch = new SharedNegativeBatch(k, config(mean), USERS, ITEMS, p, q, bias, USER_ITEMS);
      loss(batch);
      float[] gradP = userGradients(batch);
      float[] gradQ = checkedGradients(batch, gradP);
      for (int d = 0; d < DIM; d++) {
        assertThat(gradP[2 * DIM + d]).as("user 2 is not in the batch").isZero();
        assertThat(gradQ[2 * DIM + d]).as("item 2 is not in the batch").isZero();
      }
    }
  }

  @Test
  void perExampleNegativesGradientMatchesCentralDifferences() {
    for (boolean mean : new boolean[] {false, true}) {
      long seed = 1501L;
      System.out.println("seed " + seed);
      Random r = new Random(seed);
      p = random(r, USERS * DIM);
      q = random(r, ITEMS * DIM);
      bias = random(r, ITEMS);
      negatives = EX_NEGATIVES;
      for (VectorKernels k : new VectorKernels[] {Kernels.scalar(), Kernels.get()}) {
        SharedNegativeBatch batch = new SharedNegativeBatch(k, perExampleConfig(mean), USERS, ITEMS, p, q, bias,
            USER_ITEMS);
        loss(batch);
        float[] gradP = userGradients(batch);
        float[] gradQ = checkedGradients(batch, gradP);
        for (int d = 0; d < DIM; d++) {
          assertThat(gradP[2 * DIM + d]).as("user 2 is not in the batch").isZero();
        }
        assertThat(gradQ[2 * DIM]).as("item 2, a negative of example 1 only, has a gradient").isNotZero();
      }
    }
  }

  @Test
  void perExampleNegativesLossIsTheMeanOverEachExamplesOwnNegatives() {
    // two examples of user (1, 0): positive item 0 (score 2) with negatives {1, 2} (scores 0, 1), and
    // positive item 2 (score 1) with negatives {0, 0} (score 2 twice)
    p = new float[] {1, 0};
    q = new float[] {2, 0, 0, 1, 1, 1};
    MfBprConfig mean = new MfBprConfig(2, 1, 0.01, OptimizerKind.ADAM, 0, 2, false, 0.1, 2, 1, true, true, false, false,
        0, true);
    SharedNegativeBatch batch = new SharedNegativeBatch(Kernels.scalar(), mean, 1, 3, p, q, null, new int[] {0, 2});
    batch.set(new int[] {0, 0}, new int[] {0, 2}, new int[] {1, 2, 0, 0});
    double expected = (Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(-1)) + 2 * Math.log(1 + Math.exp(1))) / 4;
    assertThat(batch.forwardBackward()).isCloseTo(expected, within(1e-6));
    // item 0 is a positive (example 0) and twice a negative (example 1): g = -(s1 + s2)/4 p + 2 sigma(1)/4 p
    double g1 = 1 / (1 + Math.exp(2));
    double g2 = 1 / (1 + Math.exp(1));
    double gNeg = 1 / (1 + Math.exp(-1));
    assertThat((double) batch.itemGradient(0)[0]).isCloseTo((-(g1 + g2) + 2 * gNeg) / 4, within(1e-6));
    assertThat(batch.itemGradient(0)[1]).isZero();
    assertThatThrownBy(() -> new MfBprConfig(2, 1, 0.01, OptimizerKind.ADAM, 0, 2, false, 0.1, 2, 1, false, true, false,
        false, 0, true)).hasMessage("exampleNegatives needs sharedNegatives (mini-batch steps); exampleNegatives=true,"
            + " sharedNegatives=false");
  }

  @Test
  void lossIsTheBatchMeanOfSoftplusOverHandComputedScores() {
    // one example, user (1, 0), positive item (2, 0) -> score 2, negatives (0, 1) -> 0 and (1, 1) -> 1
    p = new float[] {1, 0};
    q = new float[] {2, 0, 0, 1, 1, 1};
    MfBprConfig sum = new MfBprConfig(2, 1, 0.01, OptimizerKind.ADAM, 0, 2, false, 0.1, 1, 1, true, false, false);
    SharedNegativeBatch batch = new SharedNegativeBatch(Kernels.scalar(), sum, 1, 3, p, q, null, new int[] {0});
    batch.set(new int[] {0}, new int[] {0}, new int[] {1, 2});
    double expected = Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(-1));
    assertThat(batch.forwardBackward()).isCloseTo(expected, within(1e-6));
    // dL/dp_u = g+ q_pos + g1 q_1 + g2 q_2 with g_j = sigma(s_j - s+)
    double g1 = 1 / (1 + Math.exp(2));
    double g2 = 1 / (1 + Math.exp(1));
    float[] gu = batch.userGradient(0);
    assertThat((double) gu[0]).isCloseTo(-(g1 + g2) * 2 + g2, within(1e-6));
    assertThat((double) gu[1]).isCloseTo(g1 + g2, within(1e-6));
    MfBprConfig mean = new MfBprConfig(2, 1, 0.01, OptimizerKind.ADAM, 0, 2, false, 0.1, 1, 1, true, true, false);
    batch = new SharedNegativeBatch(Kernels.scalar(), mean, 1, 3, p, q, null, new int[] {0});
    batch.set(new int[] {0}, new int[] {0}, new int[] {1, 2});
    assertThat(batch.forwardBackward()).isCloseTo(expected / 2, within(1e-6));
  }

  @Test
  void l2EveryBatchAddsTheDecayOfTheMissedBatchesAtARowsNextUpdate() {
    long seed = 1378L;
    System.out.println("seed " + seed);
    Random r = new Random(seed);
    p = random(r, USERS * DIM);
    q = random(r, ITEMS * DIM);
    double lr = 0.1;
    double l2 = 0.01;
    MfBprConfig config = new MfBprConfig(DIM, 1, lr, OptimizerKind.SGD, l2, NEGATIVES.length, false, 0.1,
        EX_USERS.length, 1, true, false, true);
    assertThat(config.embeddingOptimizer().weightDecay()).as("the batch applies the L2, not the optimizer").isZero();
    // 6 batches already started elsewhere: this batch is the 7th, and no row was updated before
    java.util.concurrent.atomic.AtomicLong batches = new java.util.concurrent.atomic.AtomicLong(6);
    long[] userLast = new long[USERS];
    long[] itemLast = new long[ITEMS];
    itemLast[5] = 4; // item 5 was last updated in batch 4: it missed 3
    SharedNegativeBatch batch = new SharedNegativeBatch(Kernels.scalar(), config, USERS, ITEMS, p, q, null, USER_ITEMS,
        batches, userLast, itemLast);
    batch.set(EX_USERS, EX_POS, NEGATIVES);
    batch.forwardBackward();
    float[] g0 = batch.userGradient(0);
    float[] g5 = batch.itemGradient(5);
    float[] p0 = java.util.Arrays.copyOfRange(p, 0, DIM);
    float[] q5 = java.util.Arrays.copyOfRange(q, 5 * DIM, 6 * DIM);
    float[] q2 = java.util.Arrays.copyOfRange(q, 2 * DIM, 3 * DIM);
    batch.update(config.embeddingOptimizer().create(new dev.funnel.train.optim.EmbeddingTable(USERS, DIM, p)),
        config.embeddingOptimizer().create(new dev.funnel.train.optim.EmbeddingTable(ITEMS, DIM, q)), null);
    for (int d = 0; d < DIM; d++) {
      assertThat((double) p[d]).isCloseTo(p0[d] - lr * (g0[d] + l2 * 7 * p0[d]), within(1e-6));
      assertThat((double) q[5 * DIM + d]).isCloseTo(q5[d] - lr * (g5[d] + l2 * 3 * q5[d]), within(1e-6));
      assertThat(q[2 * DIM + d]).as("item 2 is not in the batch: no step, no decay yet").isEqualTo(q2[d]);
    }
    assertThat(userLast[0]).isEqualTo(7);
    assertThat(itemLast[5]).isEqualTo(7);
    assertThat(itemLast[2]).isZero();
  }

  @Test
  void l2EveryBatchNeedsSharedNegatives() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MfBprConfig(DIM, 1, 0.1, OptimizerKind.SGD, 0.01, 2,
        false, 0.1, 8, 1, false, false, true))
        .hasMessage("l2EveryBatch needs sharedNegatives (mini-batch steps); l2EveryBatch=true, sharedNegatives=false");
  }

  /** Every user's gradient, in one array laid out as {@code p}. */
  private static float[] userGradients(SharedNegativeBatch batch) {
    float[] gradP = new float[USERS * DIM];
    for (int u = 0; u < USERS; u++) {
      System.arraycopy(batch.userGradient(u), 0, gradP, u * DIM, DIM);
    }
    return gradP;
  }

  /** Checks the user, item and bias gradients against finite differences; returns the item gradients (laid out as {@code q}). */
  private float[] checkedGradients(SharedNegativeBatch batch, float[] gradP) {
    float[] gradQ = new float[ITEMS * DIM];
    float[] gradB = new float[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      System.arraycopy(batch.itemGradient(i), 0, gradQ, i * DIM, DIM);
      gradB[i] = batch.biasGradient(i);
    }
    check("p", p, gradP, batch);
    check("q", q, gradQ, batch);
    check("bias", bias, gradB, batch);
    return gradQ;
  }

  private void check(String name, float[] param, float[] grad, SharedNegativeBatch batch) {
    float h = 1e-3f;
    for (int i = 0; i < param.length; i++) {
      float old = param[i];
      param[i] = old + h;
      double up = loss(batch);
      param[i] = old - h;
      double down = loss(batch);
      param[i] = old;
      double numeric = (up - down) / (2 * h);
      assertThat((double) grad[i]).as("%s[%d]", name, i).isCloseTo(numeric, within(2e-3 + 2e-3 * Math.abs(numeric)));
    }
  }

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }
}
