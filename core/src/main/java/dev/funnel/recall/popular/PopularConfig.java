package dev.funnel.recall.popular;

/**
 * Most-popular settings.
 *
 * @param weighting    what one interaction adds to its item: 1 ({@code users}) or its value ({@code values})
 * @param halfLifeDays exponential time decay: an interaction {@code halfLifeDays} older than the newest
 *                     one in the training data counts half (timestamps in epoch milliseconds); 0 = off
 */
public record PopularConfig(Weighting weighting, double halfLifeDays) {
  /** What an interaction contributes to its item's popularity. */
  public enum Weighting {
    /** Count of distinct users. */
    USERS,
    /** Sum of interaction values. */
    VALUES
  }

  public PopularConfig {
    if (weighting == null) {
      throw new IllegalArgumentException("weighting must be set; weighting=null");
    }
    if (!(halfLifeDays >= 0) || Double.isInfinite(halfLifeDays)) {
      throw new IllegalArgumentException("halfLifeDays must be finite and >= 0 (0 = no decay); halfLifeDays=" + halfLifeDays);
    }
  }

  public static PopularConfig defaults() {
    return new PopularConfig(Weighting.USERS, 0);
  }
}
