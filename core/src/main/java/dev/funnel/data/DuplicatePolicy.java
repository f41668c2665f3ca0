package dev.funnel.data;

/**
 * What to do when a (user, item) pair occurs more than once. The matrix keeps one cell per pair;
 * its timestamp is always the latest event's.
 */
public enum DuplicatePolicy {
  /** The value of the latest event (ties in time: the one read last). */
  KEEP_LAST,
  /** The sum of all values, e.g. repeated plays or event-type weights. */
  SUM,
  /** The largest value, e.g. the strongest event type seen. */
  MAX;

  public static DuplicatePolicy parse(String s) {
    String norm = s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    for (DuplicatePolicy p : values()) {
      if (p.name().equals(norm)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown duplicate policy '" + s + "'; valid: keep-last, sum, max");
  }
}
