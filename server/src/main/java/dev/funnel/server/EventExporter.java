package dev.funnel.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.funnel.store.DataDirectory;
import dev.funnel.store.Event;
import dev.funnel.store.log.EventLog;
import dev.funnel.store.log.LogConfig;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a data directory's event log as JSON lines of the event record ({@code funnel export}), in
 * log order, through {@link EventLog#replay} (so erased events never appear): one object per line with
 * the fields of {@code POST /v1/events} in a fixed order, absent ones left out,
 *
 * <pre>{"id":"e1","user":"u1","item":"i9","type":"click","ts":1700000000000,"value":4.5,"request_id":"r7","context":{"k":"v"}}</pre>
 *
 * {@code ts} is epoch milliseconds; {@code value} the shortest decimal that reads back as the same
 * float; context keys sorted. The file imports back exactly ({@link EventImporter.Format#EVENTS}) and
 * can be sent to {@code POST /v1/events} as is. Sequence numbers are not written: an import numbers
 * events anew.
 */
public final class EventExporter {
  /** What was written. */
  public record Report(Path out, long events, double seconds) {
    public String summary() {
      return String.format(Locale.ROOT, "exported %,d events to %s in %.2f s", events, out, seconds);
    }
  }

  private static final JsonFactory FACTORY = new JsonFactory();

  private EventExporter() {}

  /** Exports the log of the data directory {@code dataDir} (which must exist; refused while a server holds it) to {@code out}, atomically. */
  public static Report export(Path dataDir, Path out) {
    if (!Files.isDirectory(dataDir)) {
      throw new IllegalArgumentException("no data directory " + dataDir);
    }
    try (DataDirectory dir = DataDirectory.open(dataDir); EventLog log = EventLog.open(dir.logDir(), LogConfig.defaults())) {
      return export(log, out);
    }
  }

  /** Exports an open log to {@code out}: written to a temporary file beside it, then renamed, so a failed export leaves no half file. */
  public static Report export(EventLog log, Path out) {
    long t0 = System.nanoTime();
    Path abs = out.toAbsolutePath();
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    long n;
    try {
      if (abs.getParent() != null) {
        Files.createDirectories(abs.getParent());
      }
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        n = write(log, os);
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // Report the first failure.
      }
      throw new UncheckedIOException("cannot export to " + out, e);
    }
    return new Report(out, n, (System.nanoTime() - t0) / 1e9);
  }

  /** Writes every replayed event as one JSON line; returns the count. */
  public static long write(EventLog log, OutputStream os) throws IOException {
    try (JsonGenerator g = FACTORY.createGenerator(os, JsonEncoding.UTF8)) {
      g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      g.setRootValueSeparator(null);
      long[] n = {0};
      log.replay(1, le -> {
        try {
          write(g, le.event());
          g.writeRaw('\n');
          n[0]++;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      g.flush();
      return n[0];
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  static void write(JsonGenerator g, Event e) throws IOException {
    g.writeStartObject();
    if (e.id() != null) {
      g.writeStringField("id", e.id());
    }
    g.writeStringField("user", e.user());
    g.writeStringField("item", e.item());
    g.writeStringField("type", e.type());
    g.writeNumberField("ts", e.timestamp());
    if (e.hasValue()) {
      g.writeFieldName("value");
      g.writeNumber(e.value()); // Float.toString: the shortest decimal that reads back as this float
    }
    if (e.requestId() != null) {
      g.writeStringField("request_id", e.requestId());
    }
    if (!e.context().isEmpty()) {
      g.writeObjectFieldStart("context");
      for (Map.Entry<String, String> c : new TreeMap<>(e.context()).entrySet()) {
        g.writeStringField(c.getKey(), c.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }
}
