package dev.funnel.train.sample;

import dev.funnel.data.Interactions;
import dev.funnel.train.WorkerRandom;

/**
 * Draws items in O(1) from arbitrary weights with Walker's alias method in Vose's numerically
 * stable construction (Vose, "A linear algorithm for generating random numbers with a given
 * distribution", IEEE TSE 1991): bucket i keeps itself with probability {@code keep[i]} and otherwise
 * yields {@code alias[i]}. Building is O(n); a draw is one uniform bucket plus one uniform coin.
 */
public final class AliasItemSampler implements ItemSampler {
  private final double[] keep;
  private final int[] alias;
  private final double[] probability;

  private AliasItemSampler(double[] keep, int[] alias, double[] probability) {
    this.keep = keep;
    this.alias = alias;
    this.probability = probability;
  }

  /**
   * Popularity to the power alpha: q(i) proportional to degree(i)^alpha, the word2vec unigram^0.75
   * noise distribution (Mikolov et al., NeurIPS 2013) when alpha = 0.75. alpha = 0 is uniform over
   * all items (0^0 = 1); for alpha &gt; 0 items nobody interacted with are never drawn.
   */
  public static AliasItemSampler popularity(Interactions interactions, double alpha) {
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0; alpha=" + alpha);
    }
    int n = interactions.numItems();
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = Math.pow(interactions.itemDegree(i), alpha);
    }
    return fromWeights(w);
  }

  /** From non-negative finite weights, at least one positive; the array is not kept. */
  public static AliasItemSampler fromWeights(double[] weights) {
    int n = weights.length;
    if (n == 0) {
      throw new IllegalArgumentException("weights must not be empty");
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      double w = weights[i];
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weight of item " + i + " must be finite and >= 0; weight=" + w);
      }
      total += w;
    }
    if (!(total > 0) || Double.isInfinite(total)) {
      throw new IllegalArgumentException("weights must have a positive finite sum; sum=" + total);
    }
    double[] probability = new double[n];
    double[] scaled = new double[n];
    for (int i = 0; i < n; i++) {
      probability[i] = weights[i] / total;
      scaled[i] = probability[i] * n;
    }
    // Vose: pair each under-full bucket with an over-full donor; the donor's excess moves on.
    int[] small = new int[n];
    int[] large = new int[n];
    int ns = 0;
    int nl = 0;
    for (int i = n - 1; i >= 0; i--) {
      if (scaled[i] < 1.0) {
        small[ns++] = i;
      } else {
        large[nl++] = i;
      }
    }
    double[] keep = new double[n];
    int[] alias = new int[n];
    int lastDonor = 0;
    for (int i = 1; i < n; i++) {
      if (weights[i] > weights[lastDonor]) {
        lastDonor = i;
      }
    }
    while (ns > 0 && nl > 0) {
      int s = small[--ns];
      int l = large[--nl];
      lastDonor = l;
      keep[s] = scaled[s];
      alias[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        small[ns++] = l;
      } else {
        large[nl++] = l;
      }
    }
    // What is left is full up to rounding error.
    while (nl > 0) {
      int l = large[--nl];
      keep[l] = 1.0;
      alias[l] = l;
    }
    while (ns > 0) {
      int s = small[--ns];
      // A zero-weight item must stay undrawable even when rounding leaves it without a donor.
      keep[s] = probability[s] > 0 ? 1.0 : 0.0;
      alias[s] = probability[s] > 0 ? s : lastDonor;
    }
    return new AliasItemSampler(keep, alias, probability);
  }

  @Override
  public int numItems() {
    return keep.length;
  }

  @Override
  public int sample(WorkerRandom random) {
    int bucket = random.nextInt(keep.length);
    return random.nextDouble() < keep[bucket] ? bucket : alias[bucket];
  }

  @Override
  public double probability(int item) {
    return probability[item];
  }
}
