package dev.funnel.data.io;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.split.ColdPolicy;
import dev.funnel.data.split.SplitSpec;
import java.util.Map;

/**
 * How {@link DatasetLoader} reads and splits. Defaults ({@link #defaults()}):
 * <ul>
 *   <li>{@code delimiter} null: detect from the first line ({@code ::}, else the most frequent of
 *       tab, comma, semicolon, pipe, else runs of spaces). {@code "jsonl"} forces JSON lines.
 *   <li>{@code header} null: detect. The first line is a header when columns name header fields,
 *       or it holds a well-known column name (user, userId, item, movieId, timestamp, rating, ...),
 *       or it has 3+ fields and none is a number. true: the first line is always a header; false: never.
 *   <li>{@code columns} empty: header names when well known, else positions
 *       {@code user, item, [value], [timestamp], [type]} (the MovieLens order). Keys: user, item,
 *       timestamp, type, value; values: header name or 0-based index.
 *   <li>{@code skipBadLines} false: the first bad line fails the load.
 *   <li>{@code duplicates} KEEP_LAST.
 *   <li>{@code split} null: the source's own split when it has one (LightGCN {@code test.txt}, or
 *       {@code testPath}), else {@code user-temporal:0.8} when events have timestamps, else
 *       {@code random:0.8}.
 *   <li>{@code testPath} null: a separate test file in the same format (makes the split "given").
 *   <li>{@code seed} 42.
 *   <li>{@code itemFeaturesPath} null (a MovieLens directory with {@code u.item} gets genres).
 *   <li>{@code coldUsers}, {@code coldItems} DROP.
 * </ul>
 */
public record LoadOptions(String delimiter, Boolean header, Map<String, String> columns, boolean skipBadLines, DuplicatePolicy duplicates,
    SplitSpec split, String testPath, long seed, String itemFeaturesPath, ColdPolicy coldUsers, ColdPolicy coldItems) {

  public LoadOptions {
    columns = columns == null ? Map.of() : Map.copyOf(columns);
    Columns.validate(columns);
    if (delimiter != null && delimiter.isEmpty()) {
      throw new IllegalArgumentException("delimiter must not be empty (null means detect); delimiter=''");
    }
    if (duplicates == null) {
      throw new IllegalArgumentException("duplicates must not be null");
    }
    if (coldUsers == null || coldItems == null) {
      throw new IllegalArgumentException("coldUsers and coldItems must not be null");
    }
  }

  public static LoadOptions defaults() {
    return new LoadOptions(null, null, Map.of(), false, DuplicatePolicy.KEEP_LAST, null, null, 42L, null, ColdPolicy.DROP, ColdPolicy.DROP);
  }

  /** Names understood for the delimiter: tab, comma, semicolon, pipe, space, or the text itself. */
  static String delimiterText(String d) {
    if (d == null) {
      return null;
    }
    return switch (d.toLowerCase(java.util.Locale.ROOT)) {
      case "tab", "\\t" -> "\t";
      case "comma" -> ",";
      case "semicolon" -> ";";
      case "pipe" -> "|";
      case "space", "whitespace", " " -> FieldSplitter.WHITESPACE;
      default -> d;
    };
  }

  public LoadOptions withDelimiter(String v) {
    return new LoadOptions(v, header, columns, skipBadLines, duplicates, split, testPath, seed, itemFeaturesPath, coldUsers, coldItems);
  }

  public LoadOptions withHeader(Boolean v) {
    return new LoadOptions(delimiter, v, columns, skipBadLines, duplicates, split, testPath, seed, itemFeaturesPath, coldUsers, coldItems);
  }

  public LoadOptions withColumns(Map<String, String> v) {
    return new LoadOptions(delimiter, header, v, skipBadLines, duplicates, split, testPath, seed, itemFeaturesPath, coldUsers, coldItems);
  }

  public LoadOptions withSkipBadLines(boolean v) {
    return new LoadOptions(delimiter, header, columns, v, duplicates, split, testPath, seed, itemFeaturesPath, coldUsers, coldItems);
  }

  public LoadOptions withDuplicates(DuplicatePolicy v) {
    return new LoadOptions(delimiter, header, columns, skipBadLines, v, split, testPath, seed, itemFeaturesPath, coldUsers, coldItems);
  }

  public LoadOptions withSplit(SplitSpec v) {
    return new LoadOptions(delimiter, header, columns, skipBadLines, duplicates, v, testPath, seed, itemFeaturesPath, coldUsers, coldItems);
  }

  public LoadOptions withTestPath(String v) {
    return new LoadOptions(delimiter, header, columns, skipBadLines, duplicates, split, v, seed, itemFeaturesPath, coldUsers, coldItems);
  }

  public LoadOptions withSeed(long v) {
    return new LoadOptions(delimiter, header, columns, skipBadLines, duplicates, split, testPath, v, itemFeaturesPath, coldUsers, coldItems);
  }

  public LoadOptions withItemFeaturesPath(String v) {
    return new LoadOptions(delimiter, header, columns, skipBadLines, duplicates, split, testPath, seed, v, coldUsers, coldItems);
  }

  public LoadOptions withColdUsers(ColdPolicy v) {
    return new LoadOptions(delimiter, header, columns, skipBadLines, duplicates, split, testPath, seed, itemFeaturesPath, v, coldItems);
  }

  public LoadOptions withColdItems(ColdPolicy v) {
    return new LoadOptions(delimiter, header, columns, skipBadLines, duplicates, split, testPath, seed, itemFeaturesPath, coldUsers, v);
  }
}
