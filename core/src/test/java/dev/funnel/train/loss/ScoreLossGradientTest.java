package dev.funnel.train.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of BPR, binary cross-entropy and sampled softmax against double references. */
class ScoreLossGradientTest {
  private static final double RTOL = 1e-4;
  private static final double ATOL = 1e-6;

  static double softplusNaive(double x) {
    return x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  static double bprReference(double[] s) {
    double l = 0;
    for (int j = 1; j < s.length; j++) {
      l += -Math.log(1 / (1 + Math.exp(-(s[0] - s[j]))));
    }
    return l;
  }

  static double bceReference(double[] s) {
    double l = -Math.log(1 / (1 + Math.exp(-s[0])));
    for (int j = 1; j < s.length; j++) {
      l += -Math.log(1 - 1 / (1 + Math.exp(-s[j])));
    }
    return l;
  }

  static double softmaxReference(double[] s, double[] logQ, double tau) {
    double sum = 0;
    for (int j = 0; j < s.length; j++) {
      sum += Math.exp((s[j] - (logQ == null ? 0 : logQ[j])) / tau);
    }
    return -Math.log(Math.exp((s[0] - (logQ == null ? 0 : logQ[0])) / tau) / sum);
  }

  private static float[] randomScores(Random rnd, int n, double range) {
    float[] s = new float[n];
    for (int j = 0; j < n; j++) {
      s[j] = (float) ((2 * rnd.nextDouble() - 1) * range);
    }
    return s;
  }

  @Test
  void bprGradientMatchesFiniteDifferences() {
    long seed = 101;
    System.out.println("ScoreLossGradientTest bpr seed=" + seed);
    Random rnd = new Random(seed);
    for (int trial = 0; trial < 200; trial++) {
      int neg = 1 + rnd.nextInt(12);
      int off = rnd.nextInt(3);
      float[] buf = new float[off + 1 + neg];
      float[] s = randomScores(rnd, 1 + neg, 8);
      System.arraycopy(s, 0, buf, off, s.length);
      float[] grad = new float[2 + 1 + neg];
      double loss = BprLoss.loss(buf, off, neg, grad, 2);
      double[] x = GradientCheck.toDouble(s, 0, s.length);
      assertThat(loss).isCloseTo(bprReference(x), Offset.offset(1e-9 * Math.max(1, loss)));
      GradientCheck.assertClose("bpr trial " + trial, grad, 2, GradientCheck.numeric(ScoreLossGradientTest::bprReference, x), RTOL, ATOL);
      if (neg == 1) {
        float[] g2 = new float[2];
        assertThat(BprLoss.loss(s[0], s[1], g2, 0)).isEqualTo(loss);
        assertThat(g2[0]).isEqualTo(grad[2]);
        assertThat(g2[1]).isEqualTo(grad[3]);
      }
    }
  }

  @Test
  void bceGradientMatchesFiniteDifferences() {
    long seed = 202;
    System.out.println("ScoreLossGradientTest bce seed=" + seed);
    Random rnd = new Random(seed);
    for (int trial = 0; trial < 200; trial++) {
      int neg = rnd.nextInt(12);
      float[] s = randomScores(rnd, 1 + neg, 8);
      float[] grad = new float[1 + neg];
      double loss = BinaryCrossEntropyLoss.loss(s, 0, neg, grad, 0);
      double[] x = GradientCheck.toDouble(s, 0, s.length);
      assertThat(loss).isCloseTo(bceReference(x), Offset.offset(1e-9 * Math.max(1, loss)));
      GradientCheck.assertClose("bce trial " + trial, grad, 0, GradientCheck.numeric(ScoreLossGradientTest::bceReference, x), RTOL, ATOL);
    }
    float[] g = new float[1];
    assertThat(BinaryCrossEntropyLoss.loss(2f, true, g, 0)).isCloseTo(softplusNaive(-2), Offset.offset(1e-12));
    assertThat(g[0]).isCloseTo((float) (1 / (1 + Math.exp(-2)) - 1), Offset.offset(1e-7f));
    assertThat(BinaryCrossEntropyLoss.loss(2f, false, g, 0)).isCloseTo(softplusNaive(2), Offset.offset(1e-12));
    assertThat(g[0]).isCloseTo((float) (1 / (1 + Math.exp(-2))), Offset.offset(1e-7f));
  }

  @Test
  void sampledSoftmaxGradientMatchesFiniteDifferencesWithLogQAndTemperature() {
    long seed = 303;
    System.out.println("ScoreLossGradientTest softmax seed=" + seed);
    Random rnd = new Random(seed);
    double[] taus = {0.05, 0.2, 1.0, 3.0};
    for (int trial = 0; trial < 200; trial++) {
      int neg = rnd.nextInt(20);
      double tau = taus[trial % taus.length];
      boolean correct = trial % 3 != 0;
      // Scores of a cosine model: |s| <= 1, so logits stay in double range even for tau = 0.05.
      float[] s = randomScores(rnd, 1 + neg, 1);
      float[] logQ = null;
      double[] logQd = null;
      if (correct) {
        logQ = new float[1 + neg];
        for (int j = 0; j <= neg; j++) {
          logQ[j] = (float) Math.log(1e-5 + rnd.nextDouble() * 1e-2);
        }
        logQd = GradientCheck.toDouble(logQ, 0, logQ.length);
      }
      SampledSoftmaxLoss loss = new SampledSoftmaxLoss(tau);
      float[] grad = new float[1 + neg];
      double value = loss.loss(s, 0, neg, logQ, 0, grad, 0);
      double[] x = GradientCheck.toDouble(s, 0, s.length);
      double[] lq = logQd;
      double ref = softmaxReference(x, lq, tau);
      assertThat(value).as("trial %d", trial).isCloseTo(ref, Offset.offset(1e-9 * Math.max(1, Math.abs(ref))));
      double[] numeric = GradientCheck.numeric(y -> softmaxReference(y, lq, tau), x);
      GradientCheck.assertClose("softmax trial " + trial, grad, 0, numeric, RTOL, ATOL / tau);
      // Gradients of a softmax cross-entropy sum to zero.
      double sum = 0;
      for (float g : grad) {
        sum += g;
      }
      assertThat(sum).isCloseTo(0, Offset.offset(1e-5 / tau));
      // The gradient may overwrite the scores in place.
      float[] inPlace = s.clone();
      assertThat(loss.loss(inPlace, 0, neg, logQ, 0, inPlace, 0)).isEqualTo(value);
      assertThat(inPlace).containsExactly(grad);
    }
  }

  @Test
  void logQCorrectionIsAppliedToEveryLogitIncludingThePositive() {
    // With equal scores, the corrected softmax favours the rarely-sampled item: p_j ∝ 1/q_j.
    float[] s = {0.5f, 0.5f};
    float[] logQ = {(float) Math.log(0.1), (float) Math.log(0.4)};
    float[] grad = new float[2];
    double value = new SampledSoftmaxLoss(1).loss(s, 0, 1, logQ, 0, grad, 0);
    // p_0 = (1/0.1) / (1/0.1 + 1/0.4) = 0.8
    assertThat(value).isCloseTo(-Math.log(0.8), Offset.offset(1e-6));
    assertThat(grad[0]).isCloseTo(-0.2f, Offset.offset(1e-6f));
    assertThat(grad[1]).isCloseTo(0.2f, Offset.offset(1e-6f));
  }

  @Test
  void extremeScoresStayFinite() {
    float[][] cases = {{1e4f, -1e4f}, {-1e4f, 1e4f}, {Float.MAX_VALUE, -Float.MAX_VALUE},
        {-Float.MAX_VALUE, Float.MAX_VALUE}, {-100f, -100f}, {88f, -104f}};
    for (float[] c : cases) {
      float[] grad = new float[2];
      double bpr = BprLoss.loss(c, 0, 1, grad, 0);
      assertFinite("bpr", bpr, grad);
      double diff = (double) c[0] - c[1];
      double expected = diff == 0 ? Math.log(2) : Math.max(0, -diff); // |diff| >= 100 otherwise
      assertThat(bpr).isCloseTo(expected, Offset.offset(Math.max(1, Math.abs(diff)) * 1e-12));
      double bce = BinaryCrossEntropyLoss.loss(c, 0, 1, grad, 0);
      assertFinite("bce", bce, grad);
      for (double tau : new double[] {1e-3, 1, 100}) {
        float[] sm = {c[0] / 1e30f, c[1] / 1e30f}; // logits up to 3.4e8/tau stay finite
        double soft = new SampledSoftmaxLoss(tau).loss(c[0] > 1e5f || c[0] < -1e5f ? sm : c, 0, 1, null, 0, grad, 0);
        assertFinite("softmax tau " + tau, soft, grad);
      }
    }
    // Saturated gradients take their limits exactly.
    float[] grad = new float[2];
    BprLoss.loss(new float[] {-1e4f, 1e4f}, 0, 1, grad, 0);
    assertThat(grad).containsExactly(-1f, 1f);
    BprLoss.loss(new float[] {1e4f, -1e4f}, 0, 1, grad, 0);
    assertThat(grad[0]).isZero();
    assertThat(grad[1]).isZero();
    assertThat(BinaryCrossEntropyLoss.loss(new float[] {-1e4f, 1e4f}, 0, 1, grad, 0)).isCloseTo(2e4, Offset.offset(1e-6));
    assertThat(grad).containsExactly(-1f, 1f);
    assertThat(Logistic.softplus(800)).isEqualTo(800.0);
    assertThat(Logistic.softplus(-800)).isEqualTo(0.0);
    assertThat(Logistic.logSigmoid(-800)).isEqualTo(-800.0);
    assertThat(Logistic.sigmoid(-800)).isEqualTo(0.0);
    assertThat(Logistic.sigmoid(800)).isEqualTo(1.0);
    assertThatThrownBy(() -> new SampledSoftmaxLoss(0)).hasMessageContaining("temperature=0.0");
  }

  private static void assertFinite(String what, double loss, float[] grad) {
    assertThat(Double.isFinite(loss)).as("%s loss %s", what, loss).isTrue();
    for (float g : grad) {
      assertThat(Float.isFinite(g)).as("%s grad %s", what, g).isTrue();
    }
  }
}
