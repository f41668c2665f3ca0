package dev.funnel.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.EventTable;
import dev.funnel.data.io.DelimitedReader;
import dev.funnel.data.io.JsonLinesReader;
import dev.funnel.data.io.MovieLensReader;
import dev.funnel.online.EventType;
import dev.funnel.online.EventTypes;
import dev.funnel.store.DataDirectory;
import dev.funnel.store.Event;
import dev.funnel.store.catalog.Catalog;
import dev.funnel.store.log.EventLog;
import dev.funnel.store.log.LogConfig;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Bulk import of an events file into a data directory's event log ({@code funnel import}), the way
 * {@code POST /v1/events} would store them, but without HTTP: batches of {@link Options#batch} events
 * with a few in flight, so the log's group commit shares each fsync among them.
 *
 * <p>Formats: {@link Format#EVENTS}, the JSON lines of {@code POST /v1/events} and of
 * {@link EventExporter} (every field kept: id, request id, context; an export imports back exactly),
 * and through the foundation's readers ({@code dev.funnel.data.io}): delimited CSV/TSV, flat JSON
 * lines with mapped keys, MovieLens ratings. Those readers give user, item, type, timestamp (epoch ms)
 * and value (1 when the file has none).
 *
 * <p>Bad input: the whole file is checked before the first event is appended (every line parsed, every
 * type known, values valid for value-weighted types), so a bad file imports nothing and the error names
 * the file, the line, the field and the value; events imported before (earlier runs) are untouched.
 * With {@code skipBadLines} bad lines are counted and skipped instead.
 */
public final class EventImporter {
  /** The file's layout. */
  public enum Format {
    /** Decide by the file: a JSON line with only event-record fields is {@link #EVENTS}; .jsonl/.ndjson/.json {@link #JSONL}; MovieLens names {@link #MOVIELENS}; else {@link #CSV}. */
    AUTO,
    /** JSON lines of {@code POST /v1/events} / {@code funnel export}. */
    EVENTS,
    /** Delimited text (delimiter detected unless given). */
    CSV,
    /** Tab-separated text. */
    TSV,
    /** Flat JSON lines read through the foundation's key mapping. */
    JSONL,
    /** A MovieLens ratings file or directory (u.data, ratings.dat, ratings.csv): type {@code rating}. */
    MOVIELENS;

    public static Format parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown import format '" + s + "'; valid: auto, events, csv, tsv, jsonl, movielens");
      }
    }
  }

  /**
   * @param format the file's layout
   * @param columns field -> column name or index for the foundation readers (empty: well-known names)
   * @param delimiter the CSV delimiter, null to detect
   * @param header whether a CSV file has a header line, null to detect
   * @param skipBadLines skip (and count) bad lines instead of refusing the file
   * @param types the event types the service is configured with: an event of another type is bad input
   * @param batch events per append
   */
  public record Options(Format format, Map<String, String> columns, String delimiter, Boolean header, boolean skipBadLines, EventTypes types,
      int batch) {
    public Options {
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(types, "types");
      columns = Map.copyOf(columns);
      if (batch < 1 || batch > 1_000_000) {
        throw new IllegalArgumentException("batch must be between 1 and 1,000,000; batch=" + batch);
      }
    }

    public static Options defaults() {
      return new Options(Format.AUTO, Map.of(), null, null, false, EventTypes.defaults(), 10_000);
    }

    public Options withFormat(Format f) {
      return new Options(f, columns, delimiter, header, skipBadLines, types, batch);
    }

    public Options withSkipBadLines(boolean skip) {
      return new Options(format, columns, delimiter, header, skip, types, batch);
    }
  }

  /** What an import stored: events, the log sequences they got, lines skipped, time. */
  public record Report(Path file, Format format, long events, long firstSequence, long lastSequence, BadLines badLines, double seconds) {
    public String summary() {
      return String.format(Locale.ROOT, "imported %,d events from %s (%s) as sequences %d..%d in %.2f s (%,.0f events/s)%s", events, file,
          format.name().toLowerCase(Locale.ROOT), firstSequence, lastSequence, seconds, seconds > 0 ? events / seconds : 0.0,
          badLines.count() > 0 ? "; skipped " + badLines.count() + " bad line(s), first: " + String.join(" | ", badLines.examples()) : "");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Appends in flight at once: enough for group commit to merge them, bounded memory. */
  private static final int IN_FLIGHT = 4;
  private static final int EVENTS_CHUNK_LINES = 10_000;

  private EventImporter() {}

  /**
   * Imports into the data directory {@code dataDir} (created when absent; refused while a server holds it).
   *
   * @throws DataFormatException for bad input, naming file, line, field and value; nothing of the file is stored then
   */
  public static Report importFile(Path dataDir, Path file, Options options) {
    try (DataDirectory dir = DataDirectory.open(dataDir); EventLog log = EventLog.open(dir.logDir(), LogConfig.defaults())) {
      return importFile(log, file, options);
    }
  }

  /** Imports into an open log. */
  public static Report importFile(EventLog log, Path file, Options options) {
    long t0 = System.nanoTime();
    if (!Files.exists(file)) {
      throw new DataFormatException(file.toString(), 0, null, null, "no such file");
    }
    Format format = options.format() == Format.AUTO ? detect(file) : options.format();
    long before = log.lastSequence();
    BadLines.Recorder bad = new BadLines.Recorder(options.skipBadLines());
    Appender appender = new Appender(log, options.batch());
    if (format == Format.EVENTS) {
      // Pass 1 checks every line (nothing stored from a bad file), pass 2 stores.
      readEvents(file, options.types(), bad, e -> {});
      BadLines.Recorder skip = new BadLines.Recorder(true);
      readEvents(file, options.types(), skip, appender::add);
    } else {
      EventTable table = readTable(file, format, options, bad);
      List<Event> events = toEvents(table, file, options.types(), bad);
      for (Event e : events) {
        appender.add(e);
      }
    }
    long last = appender.finish();
    long count = last - before;
    return new Report(file, format, count, count == 0 ? 0 : before + 1, last, bad.result(), (System.nanoTime() - t0) / 1e9);
  }

  static Format detect(Path file) {
    if (Files.isDirectory(file)) {
      return Format.MOVIELENS;
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.equals("u.data") || name.equals("ratings.dat") || name.equals("ratings.csv")) {
      return Format.MOVIELENS;
    }
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        if (line.trim().startsWith("{")) {
          try {
            var node = JSON.readTree(line);
            boolean record = node.isObject() && node.has("user") && node.has("item") && node.has("type");
            for (var it = node.fieldNames(); record && it.hasNext(); ) {
              record = EventLines.FIELDS.contains(it.next());
            }
            if (record) {
              return Format.EVENTS;
            }
          } catch (IOException e) {
            // Not one JSON object: leave it to the readers, which name the line.
          }
          return Format.JSONL;
        }
        break;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
      return Format.JSONL;
    }
    return name.endsWith(".tsv") ? Format.TSV : Format.CSV;
  }

  /** Streams the JSON lines in chunks through the {@code POST /v1/events} parser; line numbers are the file's. */
  private static void readEvents(Path file, EventTypes types, BadLines.Recorder bad, Consumer<Event> sink) {
    long now = System.currentTimeMillis();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      ByteArrayOutputStream chunk = new ByteArrayOutputStream(1 << 20);
      List<String> texts = new ArrayList<>(EVENTS_CHUNK_LINES);
      long lineNo = 0;
      long chunkStart = 1;
      boolean any = false;
      for (String line; ; ) {
        line = r.readLine();
        if (line != null) {
          lineNo++;
          any |= !line.isBlank();
          byte[] b = line.getBytes(StandardCharsets.UTF_8);
          chunk.write(b, 0, b.length);
          chunk.write('\n');
          texts.add(line);
        }
        if (texts.size() == EVENTS_CHUNK_LINES || (line == null && !texts.isEmpty())) {
          EventLines.Parsed p = EventLines.parse(chunk.toByteArray(), types, JSON, now);
          int nextBad = 0;
          List<EventLines.Rejected> rejected = p.rejected();
          for (int k = 0; k < p.events().size(); k++) {
            int at = p.lines().get(k);
            while (nextBad < rejected.size() && rejected.get(nextBad).line() < at) {
              reject(file, chunkStart, rejected.get(nextBad++), texts, bad);
            }
            sink.accept(p.events().get(k));
          }
          while (nextBad < rejected.size()) {
            reject(file, chunkStart, rejected.get(nextBad++), texts, bad);
          }
          chunk.reset();
          texts.clear();
          chunkStart = lineNo + 1;
        }
        if (line == null) {
          break;
        }
      }
      if (!any) {
        throw new DataFormatException(file.toString(), 0, null, null, "empty file: no events");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void reject(Path file, long chunkStart, EventLines.Rejected r, List<String> texts, BadLines.Recorder bad) {
    String text = texts.get(r.line() - 1);
    bad.record(new DataFormatException(file.toString(), chunkStart + r.line() - 1, r.field(), text.length() > 200 ? text.substring(0, 200) : text,
        r.reason()));
  }

  private static EventTable readTable(Path file, Format format, Options o, BadLines.Recorder bad) {
    EventTable table = new EventTable();
    switch (format) {
      case MOVIELENS -> MovieLensReader.read(file, table, bad);
      case JSONL -> JsonLinesReader.read(file, table, o.columns(), EventTable.DEFAULT_TYPE, bad);
      case CSV, TSV -> {
        String delimiter = o.delimiter() != null ? o.delimiter() : format == Format.TSV ? "\t" : null;
        DelimitedReader.read(file, table, new DelimitedReader.Format(delimiter, o.header(), o.columns(), EventTable.DEFAULT_TYPE,
            StandardCharsets.UTF_8), bad);
      }
      default -> throw new IllegalStateException("not a table format: " + format);
    }
    return table;
  }

  /** Checks every row's type and value against the configured types; rows are numbered in data order (the readers keep no line numbers). */
  private static List<Event> toEvents(EventTable t, Path file, EventTypes types, BadLines.Recorder bad) {
    int n = t.size();
    EventType[] typeOf = new EventType[t.types().size()];
    String[] typeProblem = new String[typeOf.length];
    for (int k = 0; k < typeOf.length; k++) {
      try {
        typeOf[k] = types.get(t.types().external(k));
      } catch (IllegalArgumentException e) {
        typeProblem[k] = "unknown event type (configure it with --event-types); valid types: " + String.join(", ", types.names());
      }
    }
    List<Event> out = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      int ty = t.type(r);
      String type = t.types().external(ty);
      if (typeProblem[ty] != null) {
        bad.record(new DataFormatException(file.toString(), 0, "type", type, "data row " + (r + 1) + ": " + typeProblem[ty]));
        continue;
      }
      String user = t.users().external(t.user(r));
      String item = t.items().external(t.item(r));
      if (user.length() > Catalog.MAX_ID_LENGTH || item.length() > Catalog.MAX_ID_LENGTH) {
        boolean u = user.length() > Catalog.MAX_ID_LENGTH;
        bad.record(new DataFormatException(file.toString(), 0, u ? "user" : "item", u ? user : item, "data row " + (r + 1) + ": ids may have at most "
            + Catalog.MAX_ID_LENGTH + " characters"));
        continue;
      }
      Event e = new Event(null, user, item, type, t.timestamp(r), t.value(r), null, Map.of());
      if (typeOf[ty].valueWeighted()) {
        try {
          types.validate(e);
        } catch (IllegalArgumentException x) {
          bad.record(new DataFormatException(file.toString(), 0, "value", Float.toString(t.value(r)), "data row " + (r + 1) + ": " + x.getMessage()));
          continue;
        }
      }
      out.add(e);
    }
    return out;
  }

  /** Batches events into appends, a few in flight. */
  private static final class Appender {
    private final EventLog log;
    private final int batch;
    private List<Event> current;
    private final ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
    private long last;

    Appender(EventLog log, int batch) {
      this.log = log;
      this.batch = batch;
      this.current = new ArrayList<>(batch);
      this.last = log.lastSequence();
    }

    void add(Event e) {
      current.add(e);
      if (current.size() == batch) {
        flush();
      }
    }

    private void flush() {
      if (current.isEmpty()) {
        return;
      }
      inFlight.add(log.append(current));
      current = new ArrayList<>(batch);
      while (inFlight.size() > IN_FLIGHT) {
        last = inFlight.poll().join();
      }
    }

    long finish() {
      flush();
      while (!inFlight.isEmpty()) {
        last = inFlight.poll().join();
      }
      return last;
    }
  }
}
