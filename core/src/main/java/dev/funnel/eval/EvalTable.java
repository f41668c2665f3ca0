package dev.funnel.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** Formats evaluation results of several models as an aligned plain-text table. */
public final class EvalTable {
  private EvalTable() {}

  /**
   * One block per cut-off K (header {@code @K}, then one row per model, columns = the metric names
   * of that K in first-seen order, 4 decimals, {@code -} where a result lacks a key), so the table
   * fits a terminal however many metrics there are; metrics without a cut-off form a last block
   * ({@code all}). The last block also carries evaluated users and seconds. The first line states
   * the protocol so sampled numbers are never mistaken for full-sort ones.
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
    // Group metric keys by cut-off: "recall@20" -> block "@20", column "recall".
    Map<String, List<String>> blocks = new LinkedHashMap<>();
    List<String> uncut = new ArrayList<>();
    for (EvalResult r : results) {
      for (String key : r.metrics().keySet()) {
        int at = key.indexOf('@');
        List<String> keys = at < 0 ? uncut : blocks.computeIfAbsent(key.substring(at), b -> new ArrayList<>());
        if (!keys.contains(key)) {
          keys.add(key);
        }
      }
    }
    if (!uncut.isEmpty() || blocks.isEmpty()) {
      blocks.put("all", uncut);
    }
    StringBuilder sb = new StringBuilder(describe(protocol)).append('\n');
    int b = 0;
    for (Map.Entry<String, List<String>> block : blocks.entrySet()) {
      boolean last = ++b == blocks.size();
      List<String> header = new ArrayList<>();
      header.add(block.getKey());
      for (String key : block.getValue()) {
        int at = key.indexOf('@');
        header.add(at < 0 ? key : key.substring(0, at));
      }
      if (last) {
        header.add("users");
        header.add("seconds");
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(header);
      for (int m = 0; m < results.size(); m++) {
        EvalResult r = results.get(m);
        List<String> row = new ArrayList<>();
        row.add(modelNames.get(m));
        for (String key : block.getValue()) {
          Double v = r.metrics().get(key);
          row.add(v == null ? "-" : String.format(Locale.ROOT, "%.4f", v));
        }
        if (last) {
          row.add(Integer.toString(r.usersEvaluated()));
          row.add(String.format(Locale.ROOT, "%.1f", r.seconds()));
        }
        rows.add(row);
      }
      if (b > 1) {
        sb.append('\n');
      }
      appendAligned(sb, rows);
    }
    return sb.toString();
  }

  /** Rows as aligned columns: the first left-aligned (names), the rest right-aligned (numbers); a rule under the header. */
  private static void appendAligned(StringBuilder sb, List<List<String>> rows) {
    int[] width = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int c = 0; c < row.size(); c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    for (int n = 0; n < rows.size(); n++) {
      List<String> row = rows.get(n);
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.size(); c++) {
        if (c > 0) {
          line.append("  ");
        }
        line.append(pad(row.get(c), width[c], c > 0));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
      if (n == 0) {
        int total = 2 * (width.length - 1);
        for (int w : width) {
          total += w;
        }
        sb.append("-".repeat(total)).append('\n');
      }
    }
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
