package dev.funnel.data.io;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.EventTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads sequence files: one {@code user item} event per line in time order (space, tab or comma
 * separated, detected from the first line). The timestamp of an event is its 1-based line number,
 * so "earlier line" means "earlier event" for temporal splits; the value is 1.
 */
public final class SequenceReader {
  private SequenceReader() {}

  public static void read(Path path, EventTable into, BadLines.Recorder bad) {
    String file = path.toString();
    int type = into.types().getOrAdd(EventTable.DEFAULT_TYPE);
    IdResolver users = new IdResolver(into.users(), StandardCharsets.UTF_8);
    IdResolver items = new IdResolver(into.items(), StandardCharsets.UTF_8);
    FieldSplitter fields = null;
    try (LineSource lines = new LineSource(path)) {
      while (lines.next()) {
        if (lines.blank()) {
          continue;
        }
        byte[] b = lines.buf();
        if (fields == null) {
          String d = DelimitedReader.detectDelimiter(b, lines.start(), lines.end());
          fields = new FieldSplitter(d, false);
        }
        int n = fields.split(b, lines.start(), lines.end());
        if (n != 2) {
          bad.record(new DataFormatException(file, lines.lineNumber(), null, DelimitedReader.lineText(lines),
              "wrong column count: expected 2 fields (user item), found " + n));
          continue;
        }
        if (fields.isEmpty(0) || fields.isEmpty(1)) {
          bad.record(new DataFormatException(file, lines.lineNumber(), fields.isEmpty(0) ? "user" : "item", "", "empty id"));
          continue;
        }
        into.add(users.resolve(b, fields.start(0), fields.end(0)), items.resolve(b, fields.start(1), fields.end(1)),
            lines.lineNumber(), type, 1f);
      }
    }
    if (fields == null) {
      throw new DataFormatException(file, 0, null, null, "empty file: no data lines");
    }
  }
}
