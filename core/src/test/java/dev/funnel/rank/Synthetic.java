package dev.funnel.rank;

import java.util.Random;

/** Seeded toy CTR data over three fields of ten features each: a, b (signal) and c (noise). */
public final class Synthetic {
  public static final FieldMap FIELDS = FieldMap.parse("a:0-9,b:10-19,c:20-29");

  private Synthetic() {}

  /**
   * {@code n} one-hot rows (a, b, c); a positive with probability 0.9 when the rule holds, else 0.1.
   * Linear rule: a &lt; 5. Interaction rule: a and b have the same parity (an XOR no linear model sees).
   */
  public static SampleBatch batch(int n, boolean interaction, long seed) {
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
      boolean rule = interaction ? a % 2 == b % 2 : a < 5;
      labels[r] = rnd.nextDouble() < (rule ? 0.9 : 0.1) ? 1 : 0;
      groups[r] = c;
    }
    return new SampleBatch(FIELDS, ptr, features, null, labels, null, groups);
  }
}
