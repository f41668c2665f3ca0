package dev.funnel.data.split;

import java.util.Locale;

/**
 * A train/test split as written on the command line:
 * <ul>
 *   <li>{@code random:0.8}: a seeded shuffle puts exactly round(0.8 n) events in train
 *   <li>{@code user-temporal:0.8}: per user, the earliest 80% of events train, the rest test
 *   <li>{@code leave-last-out}: per user, the latest event is test
 *   <li>{@code global-time:0.8}: one cut at 80% of the time range; {@code global-time:@<epochMillis>}: at that instant
 *   <li>{@code given}: train and test come from separate files
 * </ul>
 *
 * @param kind the split kind
 * @param fraction train share for RANDOM / USER_TEMPORAL / GLOBAL_TIME by fraction, else NaN
 * @param cutMillis the cut instant for GLOBAL_TIME by time, else {@link Long#MIN_VALUE}
 */
public record SplitSpec(Kind kind, double fraction, long cutMillis) {
  public enum Kind {
    RANDOM, USER_TEMPORAL, LEAVE_LAST_OUT, GLOBAL_TIME, GIVEN,
    /** No split: every event (a given test file's too) goes to train; for deployed models and statistics. */
    NONE
  }

  public SplitSpec {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    boolean byTime = kind == Kind.GLOBAL_TIME && cutMillis != Long.MIN_VALUE;
    boolean needsFraction = kind == Kind.RANDOM || kind == Kind.USER_TEMPORAL || (kind == Kind.GLOBAL_TIME && !byTime);
    if (needsFraction && !(fraction > 0 && fraction < 1) && !(kind == Kind.GLOBAL_TIME && fraction == 1)) {
      throw new IllegalArgumentException("split fraction must be in (0, 1); fraction=" + fraction);
    }
  }

  public static SplitSpec random(double fraction) {
    return new SplitSpec(Kind.RANDOM, fraction, Long.MIN_VALUE);
  }

  public static SplitSpec userTemporal(double fraction) {
    return new SplitSpec(Kind.USER_TEMPORAL, fraction, Long.MIN_VALUE);
  }

  public static SplitSpec leaveLastOut() {
    return new SplitSpec(Kind.LEAVE_LAST_OUT, Double.NaN, Long.MIN_VALUE);
  }

  public static SplitSpec globalTimeFraction(double fraction) {
    return new SplitSpec(Kind.GLOBAL_TIME, fraction, Long.MIN_VALUE);
  }

  public static SplitSpec globalTimeAt(long cutMillis) {
    if (cutMillis == Long.MIN_VALUE) {
      throw new IllegalArgumentException("cutMillis out of range; cutMillis=" + cutMillis);
    }
    return new SplitSpec(Kind.GLOBAL_TIME, Double.NaN, cutMillis);
  }

  public static SplitSpec given() {
    return new SplitSpec(Kind.GIVEN, Double.NaN, Long.MIN_VALUE);
  }

  /** Everything in train, an empty test. */
  public static SplitSpec none() {
    return new SplitSpec(Kind.NONE, Double.NaN, Long.MIN_VALUE);
  }

  /** Whether this is a global time cut at a fixed instant (not a fraction). */
  public boolean hasCutTime() {
    return kind == Kind.GLOBAL_TIME && cutMillis != Long.MIN_VALUE;
  }

  /**
   * Parses {@code random:0.8}, {@code user-temporal:0.8}, {@code leave-last-out},
   * {@code global-time:0.8}, {@code global-time:@1577836800000}, {@code given}, {@code none}.
   */
  public static SplitSpec parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("split must not be empty; valid: " + VALID);
    }
    String s = text.trim();
    int colon = s.indexOf(':');
    String name = (colon < 0 ? s : s.substring(0, colon)).trim().toLowerCase(Locale.ROOT).replace('_', '-');
    String arg = colon < 0 ? null : s.substring(colon + 1).trim();
    switch (name) {
      case "random" -> {
        return random(fraction(text, arg));
      }
      case "user-temporal" -> {
        return userTemporal(fraction(text, arg));
      }
      case "leave-last-out", "leave-one-out", "loo" -> {
        noArg(text, arg);
        return leaveLastOut();
      }
      case "global-time" -> {
        if (arg != null && arg.startsWith("@")) {
          try {
            return globalTimeAt(Long.parseLong(arg.substring(1).trim()));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("split '" + text + "': cut must be @<epochMillis>; was '" + arg + "'");
          }
        }
        double f = fraction(text, arg);
        if (!(f > 0 && f <= 1)) {
          throw new IllegalArgumentException("split '" + text + "': fraction must be in (0, 1]; fraction=" + f);
        }
        return globalTimeFraction(f);
      }
      case "given" -> {
        noArg(text, arg);
        return given();
      }
      case "none" -> {
        noArg(text, arg);
        return none();
      }
      default -> throw new IllegalArgumentException("unknown split '" + text + "'; valid: " + VALID);
    }
  }

  private static final String VALID = "random:<f>, user-temporal:<f>, leave-last-out, global-time:<f>, global-time:@<epochMillis>, given, none";

  private static double fraction(String text, String arg) {
    if (arg == null || arg.isEmpty()) {
      throw new IllegalArgumentException("split '" + text + "' needs a train fraction, e.g. " + text.trim() + ":0.8");
    }
    double f;
    try {
      f = Double.parseDouble(arg);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("split '" + text + "': fraction is not a number; fraction=" + arg);
    }
    if (!(f > 0 && f <= 1)) {
      throw new IllegalArgumentException("split '" + text + "': fraction must be in (0, 1); fraction=" + arg);
    }
    return f;
  }

  private static void noArg(String text, String arg) {
    if (arg != null) {
      throw new IllegalArgumentException("split '" + text + "' takes no argument");
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case RANDOM -> "random:" + fraction;
      case USER_TEMPORAL -> "user-temporal:" + fraction;
      case LEAVE_LAST_OUT -> "leave-last-out";
      case GLOBAL_TIME -> hasCutTime() ? "global-time:@" + cutMillis : "global-time:" + fraction;
      case GIVEN -> "given";
      case NONE -> "none";
    };
  }
}
