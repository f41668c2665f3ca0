package dev.funnel.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Formats evaluation results of several models as an aligned plain-text table. */
public final class EvalTable {
  private EvalTable() {}

  /**
   * One row per model; columns are the union of the results' metric keys in first-seen order
   * (4 decimals, {@code -} where a result lacks a key), then evaluated users and seconds. The
   * first line states the protocol so sampled numbers are never mistaken for full-sort ones.
   *
   * @throws IllegalArgumentException if names and results differ in count, or a result was made
   *     under another protocol
   */
  public static String format(String protocol, List<String> modelNames, List<EvalResult> results) {
    if (modelNames.size() != results.size()) {
      throw new IllegalArgumentException(modelNames.size() + " model names for " + results.size() + " results");
    }
    for (int m = 0; m < results.size(); m++) {
      if (!results.get(m).protocol().equals(protocol)) {
        throw new IllegalArgumentException("result of model '" + modelNames.get(m) + "' is " + results.get(m).protocol() + ", table is " + protocol);
      }
    }
    Set<String> keySet = new LinkedHashSet<>();
    for (EvalResult r : results) {
      keySet.addAll(r.metrics().keySet());
    }
    List<String> header = new ArrayList<>();
    header.add("model");
    header.addAll(keySet);
    header.add("users");
    header.add("seconds");
    List<List<String>> rows = new ArrayList<>();
    rows.add(header);
    for (int m = 0; m < results.size(); m++) {
      EvalResult r = results.get(m);
      List<String> row = new ArrayList<>();
      row.add(modelNames.get(m));
      for (String key : keySet) {
        Double v = r.metrics().get(key);
        row.add(v == null ? "-" : String.format(Locale.ROOT, "%.4f", v));
      }
      row.add(Integer.toString(r.usersEvaluated()));
      row.add(String.format(Locale.ROOT, "%.1f", r.seconds()));
      rows.add(row);
    }
    int[] width = new int[header.size()];
    for (List<String> row : rows) {
      for (int c = 0; c < row.size(); c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(describe(protocol)).append('\n');
    for (int n = 0; n < rows.size(); n++) {
      List<String> row = rows.get(n);
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.size(); c++) {
        if (c > 0) {
          line.append("  ");
        }
        String cell = row.get(c);
        // Model names left-aligned, numbers right-aligned.
        line.append(c == 0 ? pad(cell, width[c], false) : pad(cell, width[c], true));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
      if (n == 0) {
        int total = 0;
        for (int w : width) {
          total += w;
        }
        sb.append("-".repeat(total + 2 * (width.length - 1))).append('\n');
      }
    }
    return sb.toString();
  }

  /** The protocol line of the table. */
  static String describe(String protocol) {
    if (protocol.equals("full-sort")) {
      return "Protocol: full-sort over all items, train items excluded";
    }
    if (protocol.startsWith("sampled-")) {
      String n = protocol.substring("sampled-".length());
      return "Protocol: SAMPLED: 1 positive vs " + n + " negatives (not comparable with full-sort numbers)";
    }
    return "Protocol: " + protocol;
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(Math.max(0, width - s.length()));
    return right ? fill + s : s + fill;
  }
}
