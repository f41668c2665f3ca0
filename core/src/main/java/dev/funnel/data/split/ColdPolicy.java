package dev.funnel.data.split;

import java.util.Locale;

/** What a split does with test events of users (or items) that have no training events. */
public enum ColdPolicy {
  /** Remove them from test (the default: most protocols cannot score them). */
  DROP,
  /** Keep them in test, e.g. to measure cold-start behaviour. */
  KEEP;

  public static ColdPolicy parse(String s) {
    String n = s.trim().toUpperCase(Locale.ROOT);
    for (ColdPolicy p : values()) {
      if (p.name().equals(n)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown cold policy '" + s + "'; valid: drop, keep");
  }
}
