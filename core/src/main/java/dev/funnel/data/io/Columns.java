package dev.funnel.data.io;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the five event fields are in a record. Keys of a user mapping are {@code user, item,
 * timestamp, type, value}; each maps to a header name (matched ignoring case) or a 0-based column
 * index. Without a mapping, a header's well-known names are used (userId, movieId, rating, ...) and
 * otherwise positions: user, item, value, timestamp, type.
 */
final class Columns {
  static final String[] FIELDS = {"user", "item", "timestamp", "type", "value"};
  static final int USER = 0;
  static final int ITEM = 1;
  static final int TIME = 2;
  static final int TYPE = 3;
  static final int VALUE = 4;

  /** Positional default order of the fields: user, item, value, timestamp, type. */
  private static final int[] POSITIONAL = {USER, ITEM, VALUE, TIME, TYPE};

  /** Normalised (lower case, no '_', '-' or ' ') well-known header names per field. */
  private static final List<List<String>> KNOWN = List.of(
      List.of("user", "userid", "uid", "customerid", "visitorid"),
      List.of("item", "itemid", "iid", "movieid", "productid"),
      List.of("timestamp", "time", "ts", "datetime", "date", "eventtime"),
      List.of("type", "event", "eventtype", "action", "behavior", "behaviour"),
      List.of("rating", "value", "score", "weight"));

  private Columns() {}

  static String normalise(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '_' && c != ' ' && c != '-') {
        sb.append(Character.toLowerCase(c));
      }
    }
    return sb.toString();
  }

  /** The field a header name is well known for, or -1. */
  static int knownField(String headerName) {
    String n = normalise(headerName.trim());
    for (int f = 0; f < KNOWN.size(); f++) {
      if (KNOWN.get(f).contains(n)) {
        return f;
      }
    }
    return -1;
  }

  /** Checks the user mapping's keys; returns whether any value is a name (not an index). */
  static boolean validate(Map<String, String> mapping) {
    boolean named = false;
    for (Map.Entry<String, String> e : mapping.entrySet()) {
      if (fieldIndex(e.getKey()) < 0) {
        throw new IllegalArgumentException("unknown column key '" + e.getKey() + "'; valid: user, item, timestamp, type, value");
      }
      if (e.getValue() == null || e.getValue().isBlank()) {
        throw new IllegalArgumentException("column '" + e.getKey() + "' must name a header or a 0-based index; was '" + e.getValue() + "'");
      }
      if (index(e.getValue()) < 0) {
        named = true;
      }
    }
    return named;
  }

  static int fieldIndex(String key) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    for (int f = 0; f < FIELDS.length; f++) {
      if (FIELDS[f].equals(k)) {
        return f;
      }
    }
    return -1;
  }

  private static int index(String v) {
    String s = v.trim();
    if (s.isEmpty() || s.length() > 6) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(s);
  }

  /**
   * Resolves to a column index per field (-1 = absent).
   *
   * @param header the header names, or null without a header
   * @param width the number of fields per record
   * @param file for error messages
   */
  static int[] resolve(Map<String, String> mapping, List<String> header, int width, String file) {
    int[] at = {-1, -1, -1, -1, -1};
    if (!mapping.isEmpty()) {
      for (Map.Entry<String, String> e : mapping.entrySet()) {
        int f = fieldIndex(e.getKey());
        int idx = index(e.getValue());
        if (idx < 0) {
          if (header == null) {
            throw new dev.funnel.data.DataFormatException(file, 0, FIELDS[f], e.getValue(), "column named by header name but the file has no header");
          }
          for (int c = 0; c < header.size(); c++) {
            if (header.get(c).trim().equalsIgnoreCase(e.getValue().trim())) {
              idx = c;
              break;
            }
          }
          if (idx < 0) {
            throw new dev.funnel.data.DataFormatException(file, 1, FIELDS[f], e.getValue(), "no such column in header " + header);
          }
        } else if (idx >= width) {
          throw new dev.funnel.data.DataFormatException(file, 0, FIELDS[f], e.getValue(), "column index beyond the " + width + " fields of a record");
        }
        at[f] = idx;
      }
    } else {
      if (header != null) {
        for (int c = 0; c < header.size(); c++) {
          int f = knownField(header.get(c));
          if (f >= 0 && at[f] < 0) {
            at[f] = c;
          }
        }
      }
      if (at[USER] < 0 || at[ITEM] < 0) {
        java.util.Arrays.fill(at, -1);
        for (int p = 0; p < Math.min(width, POSITIONAL.length); p++) {
          at[POSITIONAL[p]] = p;
        }
      }
    }
    if (at[USER] < 0 || at[ITEM] < 0) {
      throw new dev.funnel.data.DataFormatException(file, 0, at[USER] < 0 ? "user" : "item", null, "no column for this field; map it with columns");
    }
    return at;
  }
}
