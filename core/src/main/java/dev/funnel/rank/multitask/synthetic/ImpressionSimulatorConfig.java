package dev.funnel.rank.multitask.synthetic;

/**
 * The world of an {@link ImpressionSimulator}.
 *
 * @param users number of users, &gt;= 2
 * @param items number of items, &gt;= 2
 * @param categories number of item categories, in [1, items]
 * @param latentDim dimension of the hidden user and item taste vectors, &gt;= 1
 * @param userSkew Zipf exponent of how often users are shown impressions, &gt;= 0 (0: uniform)
 * @param itemSkew Zipf exponent of how often items are shown, &gt;= 0
 * @param ctr target mean click probability over impressions, in (0, 0.5]
 * @param cvr target mean conversion probability of a click, over clicked impressions, in (0, 0.5]
 * @param sharedTaste correlation ρ in [0, 1] between what drives clicks and what drives conversions:
 *     the user-item tastes, and an item's appeal and (the item's own part of) its quality; 0 makes
 *     them independent
 * @param seed the world's seed (taste vectors, item attributes, biases)
 */
public record ImpressionSimulatorConfig(int users, int items, int categories, int latentDim, double userSkew, double itemSkew, double ctr,
    double cvr, double sharedTaste, long seed) {
  public ImpressionSimulatorConfig {
    if (users < 2) {
      throw new IllegalArgumentException("users must be at least 2; users=" + users);
    }
    if (items < 2) {
      throw new IllegalArgumentException("items must be at least 2; items=" + items);
    }
    if (categories < 1 || categories > items) {
      throw new IllegalArgumentException("categories must be in 1..items (" + items + "); categories=" + categories);
    }
    if (latentDim < 1) {
      throw new IllegalArgumentException("latentDim must be positive; latentDim=" + latentDim);
    }
    if (!(userSkew >= 0) || Double.isInfinite(userSkew)) {
      throw new IllegalArgumentException("userSkew must be >= 0 and finite; userSkew=" + userSkew);
    }
    if (!(itemSkew >= 0) || Double.isInfinite(itemSkew)) {
      throw new IllegalArgumentException("itemSkew must be >= 0 and finite; itemSkew=" + itemSkew);
    }
    if (!(ctr > 0 && ctr <= 0.5)) {
      throw new IllegalArgumentException("ctr must be in (0, 0.5]; ctr=" + ctr);
    }
    if (!(cvr > 0 && cvr <= 0.5)) {
      throw new IllegalArgumentException("cvr must be in (0, 0.5]; cvr=" + cvr);
    }
    if (!(sharedTaste >= 0 && sharedTaste <= 1)) {
      throw new IllegalArgumentException("sharedTaste must be in [0, 1]; sharedTaste=" + sharedTaste);
    }
  }

  /** 20,000 users, 10,000 items in 100 categories, taste dim 4, CTR 4 %, CVR 15 % of clicks, ρ = 0.5. */
  public static ImpressionSimulatorConfig defaults() {
    return new ImpressionSimulatorConfig(20_000, 10_000, 100, 4, 0.6, 1.0, 0.04, 0.15, 0.5, 1L);
  }
}
