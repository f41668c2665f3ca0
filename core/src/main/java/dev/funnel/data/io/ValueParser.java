package dev.funnel.data.io;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/**
 * Numbers and timestamps from bytes. Integers take a no-allocation path; anything else falls back
 * to the JDK parsers. Failures return a sentinel (never throw) so the caller can report the file,
 * line and field.
 */
final class ValueParser {
  /** Returned by {@link #parseTimestamp} for text that is not a timestamp. */
  static final long BAD_TIME = Long.MIN_VALUE;

  /**
   * Epoch integers below this are seconds (they would be milliseconds before March 1973), at or
   * above it milliseconds. All timestamps are stored in epoch milliseconds.
   */
  static final long SECONDS_LIMIT = 100_000_000_000L;

  private ValueParser() {}

  /** A decimal long, or {@link Long#MIN_VALUE} when not one (overflow included). */
  static long parseLong(byte[] b, int from, int to) {
    if (from >= to) {
      return Long.MIN_VALUE;
    }
    boolean neg = b[from] == '-';
    int i = neg || b[from] == '+' ? from + 1 : from;
    if (i >= to || to - i > 18) {
      return Long.MIN_VALUE;
    }
    long n = 0;
    for (; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return Long.MIN_VALUE;
      }
      n = n * 10 + d;
    }
    return neg ? -n : n;
  }

  /** A float, or NaN when the text is not a finite number. */
  static float parseFloat(byte[] b, int from, int to) {
    long n = parseLong(b, from, to);
    if (n != Long.MIN_VALUE && Math.abs(n) < (1 << 24)) {
      return n;
    }
    String s = new String(b, from, to - from, StandardCharsets.UTF_8).trim();
    if (s.isEmpty() || !looksNumeric(s)) {
      return Float.NaN;
    }
    try {
      float f = Float.parseFloat(s);
      return Float.isFinite(f) ? f : Float.NaN;
    } catch (NumberFormatException e) {
      return Float.NaN;
    }
  }

  /** Excludes "NaN", "Infinity", hex floats and type suffixes, which Float.parseFloat accepts. */
  private static boolean looksNumeric(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        return false;
      }
    }
    return true;
  }

  /**
   * Epoch milliseconds from an epoch integer (seconds below {@link #SECONDS_LIMIT}, else ms), a
   * decimal number of epoch seconds, or ISO-8601 text: {@code 2020-01-31T10:00:00Z}, with an
   * offset, without one (read as UTC), with a space instead of {@code T}, or a bare date.
   *
   * @return {@link #BAD_TIME} if the text is none of these
   */
  static long parseTimestamp(byte[] b, int from, int to) {
    long n = parseLong(b, from, to);
    if (n != Long.MIN_VALUE) {
      return Math.abs(n) < SECONDS_LIMIT ? n * 1000 : n;
    }
    return parseTimestamp(new String(b, from, to - from, StandardCharsets.UTF_8));
  }

  static long parseTimestamp(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      return BAD_TIME;
    }
    char c0 = s.charAt(0);
    if ((c0 >= '0' && c0 <= '9') || c0 == '-' || c0 == '+' || c0 == '.') {
      if (s.indexOf('-', 1) < 0 && s.indexOf(':') < 0) {
        // Plain number: integer handled by the caller's fast path, or decimal seconds.
        try {
          long n = Long.parseLong(s);
          return Math.abs(n) < SECONDS_LIMIT ? n * 1000 : n;
        } catch (NumberFormatException notLong) {
          if (looksNumeric(s)) {
            try {
              double d = Double.parseDouble(s);
              if (Double.isFinite(d)) {
                return Math.round(d * 1000);
              }
            } catch (NumberFormatException notNumber) {
              return BAD_TIME;
            }
          }
          return BAD_TIME;
        }
      }
    }
    if (s.length() > 10 && s.charAt(10) == ' ') {
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    try {
      if (s.length() == 10) {
        return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
      }
      TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
      if (t instanceof OffsetDateTime odt) {
        return odt.toInstant().toEpochMilli();
      }
      return ((LocalDateTime) t).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      return BAD_TIME;
    }
  }
}
