package dev.funnel.data.io;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.EventTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the LightGCN / NGCF adjacency-list format: one line per user, {@code user item item ...},
 * ids are non-negative integers separated by spaces (or tabs). There are no timestamps (0) and
 * every value is 1. A line with only a user id adds the user with no events.
 *
 * <p>Ids 0..max are registered in numeric order before reading, so dense id = file id and the
 * dimensions are max id + 1, as in the LightGCN reference code ({@code n_items = max(items) + 1}).
 * This also means each row arrives sorted. When ids are far from dense (max id over ten times the
 * token count) they keep first-appearance order instead of creating millions of empty rows.
 */
public final class LightGcnReader {
  private LightGcnReader() {}

  public static void read(Path path, EventTable into, BadLines.Recorder bad) {
    String file = path.toString();
    int type = into.types().getOrAdd(EventTable.DEFAULT_TYPE);
    IdResolver users = new IdResolver(into.users(), StandardCharsets.US_ASCII);
    IdResolver items = new IdResolver(into.items(), StandardCharsets.US_ASCII);
    FieldSplitter fields = new FieldSplitter(FieldSplitter.WHITESPACE, false);
    boolean any = false;
    int[] ids = new int[64];
    registerDenseIds(path, fields, into);
    try (LineSource lines = new LineSource(path)) {
      while (lines.next()) {
        if (lines.blank()) {
          continue;
        }
        any = true;
        byte[] b = lines.buf();
        int n = fields.split(b, lines.start(), lines.end());
        try {
          // Validate every token before touching the id maps, so a bad line adds nothing.
          for (int k = 0; k < n; k++) {
            if (ValueParser.parseLong(b, fields.start(k), fields.end(k)) < 0) {
              throw new DataFormatException(file, lines.lineNumber(), k == 0 ? "user" : "item",
                  new String(b, fields.start(k), fields.end(k) - fields.start(k), StandardCharsets.UTF_8), "not a non-negative integer id");
            }
          }
          int u = users.resolve(b, fields.start(0), fields.end(0));
          if (ids.length < n) {
            ids = new int[n * 2];
          }
          for (int k = 1; k < n; k++) {
            ids[k] = items.resolve(b, fields.start(k), fields.end(k));
          }
          for (int k = 1; k < n; k++) {
            into.add(u, ids[k], 0L, type, 1f);
          }
        } catch (DataFormatException e) {
          bad.record(e);
        }
      }
    }
    if (!any) {
      throw new DataFormatException(file, 0, null, null, "empty file: no data lines");
    }
  }

  /** First pass: the largest user and item ids of well-formed lines, then ids 0..max in order. */
  private static void registerDenseIds(Path path, FieldSplitter fields, EventTable into) {
    long maxUser = -1;
    long maxItem = -1;
    long tokens = 0;
    try (LineSource lines = new LineSource(path)) {
      lines:
      while (lines.next()) {
        byte[] b = lines.buf();
        int n = fields.split(b, lines.start(), lines.end());
        long lineUser = -1;
        long lineItem = -1;
        for (int k = 0; k < n; k++) {
          long id = ValueParser.parseLong(b, fields.start(k), fields.end(k));
          if (id < 0) {
            continue lines;
          }
          if (k == 0) {
            lineUser = id;
          } else {
            lineItem = Math.max(lineItem, id);
          }
        }
        maxUser = Math.max(maxUser, lineUser);
        maxItem = Math.max(maxItem, lineItem);
        tokens += n;
      }
    }
    long limit = 10 * tokens + 1000;
    if (maxUser < limit) {
      for (int u = 0; u <= maxUser; u++) {
        into.users().getOrAdd(Integer.toString(u));
      }
    }
    if (maxItem < limit) {
      for (int i = 0; i <= maxItem; i++) {
        into.items().getOrAdd(Integer.toString(i));
      }
    }
  }
}
