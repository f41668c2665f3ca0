package dev.funnel.data.synthetic;

/**
 * Shape of the synthetic shop that {@code funnel quickstart} generates when no data is given.
 *
 * @param users number of users
 * @param items number of items
 * @param categories number of item categories
 * @param meanEventsPerUser mean of the log-normal activity distribution
 * @param zipfExponent popularity ~ rank^-exponent within the catalogue (power law)
 * @param tasteFocus probability that an event follows the user's tastes rather than browsing at random
 * @param days length of the time window the events span
 * @param seed everything is a pure function of this seed
 */
public record SyntheticConfig(int users, int items, int categories, double meanEventsPerUser, double zipfExponent,
    double tasteFocus, int days, long seed) {
  public SyntheticConfig {
    if (users < 1) {
      throw new IllegalArgumentException("users must be >= 1; users=" + users);
    }
    if (items < 2) {
      throw new IllegalArgumentException("items must be >= 2; items=" + items);
    }
    if (categories < 1 || categories > items) {
      throw new IllegalArgumentException("categories must be in [1, items]; categories=" + categories);
    }
    if (!(meanEventsPerUser >= 1)) {
      throw new IllegalArgumentException("meanEventsPerUser must be >= 1; meanEventsPerUser=" + meanEventsPerUser);
    }
    if (!(zipfExponent >= 0)) {
      throw new IllegalArgumentException("zipfExponent must be >= 0; zipfExponent=" + zipfExponent);
    }
    if (!(tasteFocus >= 0 && tasteFocus <= 1)) {
      throw new IllegalArgumentException("tasteFocus must be in [0, 1]; tasteFocus=" + tasteFocus);
    }
    if (days < 1) {
      throw new IllegalArgumentException("days must be >= 1; days=" + days);
    }
  }

  /** A few thousand users and items: trains and evaluates in seconds. */
  public static SyntheticConfig quickstart() {
    return new SyntheticConfig(4000, 3000, 24, 30, 1.0, 0.85, 90, 20261123L);
  }
}
