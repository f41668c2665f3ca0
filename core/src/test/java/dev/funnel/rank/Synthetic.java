package dev.funnel.rank;

import dev.funnel.train.loss.Logistic;
import java.util.Random;

/** Seeded toy CTR data over three fields of ten features each, a, b and c (the group, for GAUC). */
public final class Synthetic {
  public static final FieldMap FIELDS = FieldMap.parse("a:0-9,b:10-19,c:20-29");

  private Synthetic() {}

  /**
   * {@code n} one-hot rows (a, b, c); a positive with probability 0.9 when the rule holds, else 0.1.
   * Linear rule: a &lt; 5. Interaction rule: a and b have the same parity (an XOR no linear model sees).
   */
  public static SampleBatch batch(int n, boolean interaction, long seed) {
    return generate(n, seed, (a, b, c) -> (interaction ? a % 2 == b % 2 : a < 5) ? 0.9 : 0.1);
  }

  /**
   * {@code n} one-hot rows (a, b, c) with p(click) = sigmoid(2 (s(a) t(b) + u(a) w(c))), the signs
   * s(a) = a even, u(a) = a &lt; 5, t(b) = b even, w(c) = c &lt; 5 as +-1: field a interacts with b
   * and with c through independent latent signs, which an FFM of dim 1 represents and an FM of dim 1
   * (one vector for a) cannot.
   */
  public static SampleBatch twoInteractions(int n, long seed) {
    return generate(n, seed, (a, b, c) -> {
      int s = a % 2 == 0 ? 1 : -1;
      int u = a < 5 ? 1 : -1;
      int t = b % 2 == 0 ? 1 : -1;
      int w = c < 5 ? 1 : -1;
      return Logistic.sigmoid(2.0 * (s * t + u * w));
    });
  }

  /**
   * {@link #batch(int, boolean, long) batch(n, true, seed)} with values in [0.5, 1.5) and weights in
   * [0.5, 2), so gradient checks see both scale the loss.
   */
  public static SampleBatch valuedBatch(int n, long seed) {
    SampleBatch base = batch(n, true, seed);
    Random rnd = new Random(seed);
    float[] values = new float[base.nnz()];
    for (int i = 0; i < values.length; i++) {
      values[i] = 0.5f + rnd.nextFloat();
    }
    float[] weights = new float[n];
    for (int i = 0; i < n; i++) {
      weights[i] = 0.5f + 1.5f * rnd.nextFloat();
    }
    return new SampleBatch(base.fields(), base.rowPtr(), base.features(), values, base.labels(), weights, null);
  }

  /** Mean weighted logistic loss Σ w (softplus(y) - label·y) / n of the batch's logits y. */
  public static double meanLogisticLoss(float[] logits, SampleBatch batch) {
    double loss = 0;
    for (int r = 0; r < batch.size(); r++) {
      double y = logits[r];
      loss += batch.weight(r) * (Logistic.softplus(y) - batch.labels()[r] * y);
    }
    return loss / batch.size();
  }

  /** Click probability of a row from its values of a, b and c (each 0..9). */
  private interface ClickRate {
    double of(int a, int b, int c);
  }

  private static SampleBatch generate(int n, long seed, ClickRate rate) {
    Random rnd = new Random(seed);
    int[] ptr = new int[n + 1];
    int[] features = new int[3 * n];
    float[] labels = new float[n];
    int[] groups = new int[n];
    for (int r = 0; r < n; r++) {
      int a = rnd.nextInt(10);
      int b = rnd.nextInt(10);
      int c = rnd.nextInt(10);
      features[3 * r] = a;
      features[3 * r + 1] = 10 + b;
      features[3 * r + 2] = 20 + c;
      ptr[r + 1] = 3 * r + 3;
      labels[r] = rnd.nextDouble() < rate.of(a, b, c) ? 1 : 0;
      groups[r] = c;
    }
    return new SampleBatch(FIELDS, ptr, features, null, labels, null, groups);
  }
}
