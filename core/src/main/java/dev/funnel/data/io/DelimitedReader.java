package dev.funnel.data.io;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.EventTable;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads delimited event files (CSV, TSV, {@code ::}, whitespace) into an {@link EventTable}, one
 * event per line, parsing bytes directly (no regex, no String per field except new ids).
 *
 * <p>Missing fields get defaults: timestamp 0, type {@link EventTable#DEFAULT_TYPE} (or the
 * format's), value 1. Empty fields count as missing. Timestamps are stored in epoch milliseconds
 * (see {@link ValueParser#parseTimestamp(byte[], int, int)}).
 */
public final class DelimitedReader {
  /**
   * How to read a file.
   *
   * @param delimiter the field separator; null to detect it from the first line ({@code ::}, else
   *     the most frequent of tab, comma, semicolon, pipe, else runs of spaces)
   * @param header true: first line is a header; false: it is not; null: detect (see
   *     {@link #detectHeader})
   * @param columns field -> header name or 0-based index (see {@link Columns}); empty for defaults
   * @param defaultType event type when the file has no type column
   * @param charset text encoding of ids
   */
  public record Format(String delimiter, Boolean header, Map<String, String> columns, String defaultType, Charset charset) {
    public Format {
      columns = Map.copyOf(columns);
      Columns.validate(columns);
      if (defaultType == null || defaultType.isEmpty()) {
        throw new IllegalArgumentException("defaultType must not be empty; defaultType=" + defaultType);
      }
      if (delimiter != null && delimiter.isEmpty()) {
        throw new IllegalArgumentException("delimiter must not be empty (null means detect)");
      }
    }

    /** Detect everything, UTF-8, default event type. */
    public static Format auto() {
      return new Format(null, null, Map.of(), EventTable.DEFAULT_TYPE, StandardCharsets.UTF_8);
    }
  }

  private DelimitedReader() {}

  /**
   * Appends the file's events to {@code into}. A bad line either throws (events already appended
   * stay in the table) or is recorded and skipped, per {@code bad}.
   *
   * @throws DataFormatException for bad input when not skipping, and for an empty file always
   */
  public static void read(Path path, EventTable into, Format format, BadLines.Recorder bad) {
    String file = path.toString();
    try (LineSource lines = new LineSource(path)) {
      if (!nextNonBlank(lines)) {
        throw new DataFormatException(file, 0, null, null, "empty file: no data lines");
      }
      String delimiter = format.delimiter() != null ? format.delimiter() : detectDelimiter(lines.buf(), lines.start(), lines.end());
      FieldSplitter fields = new FieldSplitter(delimiter, !FieldSplitter.WHITESPACE.equals(delimiter));
      int width = fields.split(lines.buf(), lines.start(), lines.end());
      if (width < 0) {
        throw new DataFormatException(file, lines.lineNumber(), null, lineText(lines), "malformed quoted field (unclosed quote, or text after the closing quote)");
      }
      boolean named = Columns.validate(format.columns());
      boolean header = format.header() != null ? format.header() : named || detectHeader(fields, format.charset());
      List<String> headerNames = null;
      if (header) {
        headerNames = new ArrayList<>(width);
        for (int k = 0; k < width; k++) {
          headerNames.add(fields.string(k, format.charset()).trim());
        }
      }
      int[] at = Columns.resolve(format.columns(), headerNames, width, file);
      IdResolver users = new IdResolver(into.users(), format.charset());
      IdResolver items = new IdResolver(into.items(), format.charset());
      IdResolver types = new IdResolver(into.types(), format.charset());
      int defaultType = into.types().getOrAdd(format.defaultType());
      boolean dataLine = !header;
      long accepted = 0;
      do {
        if (!dataLine) {
          dataLine = true; // the header line
          continue;
        }
        if (lines.blank()) {
          continue;
        }
        try {
          parseLine(lines, fields, width, at, users, items, types, defaultType, into);
          accepted++;
        } catch (DataFormatException e) {
          bad.record(e);
        }
      } while (lines.next());
      if (accepted == 0 && !bad.skipping()) {
        throw new DataFormatException(file, 0, null, null, "empty file: no data lines after the header");
      }
    }
  }

  private static void parseLine(LineSource lines, FieldSplitter fields, int width, int[] at, IdResolver users, IdResolver items,
      IdResolver types, int defaultType, EventTable into) {
    byte[] b = lines.buf();
    int n = fields.split(b, lines.start(), lines.end());
    String file = lines.file();
    long line = lines.lineNumber();
    if (n < 0) {
      throw new DataFormatException(file, line, null, lineText(lines), "malformed quoted field (unclosed quote, or text after the closing quote)");
    }
    if (n != width) {
      throw new DataFormatException(file, line, null, lineText(lines), "wrong column count: expected " + width + " fields, found " + n);
    }
    // Numbers first, ids last: a bad line must not add ids to the maps.
    long t = 0;
    int c = at[Columns.TIME];
    if (c >= 0 && !fields.isEmpty(c)) {
      t = ValueParser.parseTimestamp(b, fields.start(c), fields.end(c));
      if (t == ValueParser.BAD_TIME) {
        throw new DataFormatException(file, line, "timestamp", text(b, fields, c), "not a number or ISO-8601 time");
      }
    }
    float v = 1f;
    c = at[Columns.VALUE];
    if (c >= 0 && !fields.isEmpty(c)) {
      v = ValueParser.parseFloat(b, fields.start(c), fields.end(c));
      if (Float.isNaN(v)) {
        throw new DataFormatException(file, line, "value", text(b, fields, c), "not a number");
      }
    }
    int cu = at[Columns.USER];
    int ci = at[Columns.ITEM];
    if (fields.isEmpty(cu)) {
      throw new DataFormatException(file, line, "user", "", "empty id");
    }
    if (fields.isEmpty(ci)) {
      throw new DataFormatException(file, line, "item", "", "empty id");
    }
    c = at[Columns.TYPE];
    int type = c >= 0 && !fields.isEmpty(c) ? resolve(types, fields, b, c) : defaultType;
    int u = resolve(users, fields, b, cu);
    int i = resolve(items, fields, b, ci);
    into.add(u, i, t, type, v);
  }

  private static int resolve(IdResolver ids, FieldSplitter fields, byte[] b, int c) {
    if (fields.needsUnescape(c)) {
      String s = fields.string(c, StandardCharsets.UTF_8);
      byte[] raw = s.getBytes(StandardCharsets.UTF_8);
      return ids.resolve(raw, 0, raw.length);
    }
    return ids.resolve(b, fields.start(c), fields.end(c));
  }

  private static String text(byte[] b, FieldSplitter fields, int c) {
    return new String(b, fields.start(c), fields.end(c) - fields.start(c), StandardCharsets.UTF_8);
  }

  static String lineText(LineSource lines) {
    return new String(lines.buf(), lines.start(), lines.end() - lines.start(), StandardCharsets.UTF_8);
  }

  static boolean nextNonBlank(LineSource lines) {
    while (lines.next()) {
      if (!lines.blank()) {
        return true;
      }
    }
    return false;
  }

  /** {@code ::} if present, else the most frequent of tab, comma, semicolon and pipe, else spaces. */
  static String detectDelimiter(byte[] b, int from, int to) {
    int tabs = 0;
    int commas = 0;
    int semis = 0;
    int pipes = 0;
    for (int i = from; i < to; i++) {
      switch (b[i]) {
        case ':' -> {
          if (i + 1 < to && b[i + 1] == ':') {
            return "::";
          }
        }
        case '\t' -> tabs++;
        case ',' -> commas++;
        case ';' -> semis++;
        case '|' -> pipes++;
        default -> { }
      }
    }
    int best = Math.max(Math.max(tabs, commas), Math.max(semis, pipes));
    if (best == 0) {
      return FieldSplitter.WHITESPACE;
    }
    return best == tabs ? "\t" : best == commas ? "," : best == semis ? ";" : "|";
  }

  /**
   * A first line is a header if one of its fields is a well-known column name (user, userId,
   * item, movieId, timestamp, rating, ...; see {@link Columns}), or if it has three or more fields
   * and none is a number (a data line with value or timestamp columns has numbers). Two-field files
   * whose header uses other names need {@code header=true}.
   */
  static boolean detectHeader(FieldSplitter fields, Charset cs) {
    int n = fields.count();
    boolean anyNumber = false;
    for (int k = 0; k < n; k++) {
      String s = fields.string(k, cs).trim();
      if (Columns.knownField(s) >= 0 && !s.isEmpty()) {
        return true;
      }
      if (ValueParser.parseTimestamp(s) != ValueParser.BAD_TIME) {
        anyNumber = true;
      }
    }
    return n >= 3 && !anyNumber;
  }
}
