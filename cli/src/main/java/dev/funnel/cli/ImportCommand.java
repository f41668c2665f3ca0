package dev.funnel.cli;

import dev.funnel.online.EventTypes;
import dev.funnel.server.EventImporter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Imports an events file into a data directory's event log (stopped server only: the directory is locked while served).",
        "The whole file is checked first: a bad line imports nothing and the error names file, line, field and value.",
        "Events already in the log stay; the next 'funnel serve --data DIR' replays the imported events."},
    footer = {"", "Examples:",
        "  funnel import --data funnel-live --events ml-100k/u.data                  # MovieLens (format detected)",
        "  funnel import --data funnel-live --events clicks.csv --column user=user_id --column item=sku --column timestamp=time",
        "  funnel import --data funnel-live --events log.tsv --format tsv --no-header",
        "  funnel import --data funnel-live --events export.jsonl                    # from 'funnel export': exact",
        "  funnel import --data funnel-live --events views.csv --event-types view=0.5,click=1 --skip-bad-lines"})
final class ImportCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data directory (created when absent).")
  Path data;

  @Option(names = "--events", required = true, paramLabel = "FILE", description = "The events file (or a MovieLens directory).")
  Path events;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
      description = {"auto, events (JSON lines of POST /v1/events and 'funnel export'), csv, tsv, jsonl (flat JSON lines, keys mapped like CSV",
          "columns), movielens (u.data, ratings.dat, ratings.csv: type rating). Default: ${DEFAULT-VALUE}."})
  String format;

  @Option(names = "--column", paramLabel = "FIELD=COLUMN",
      description = "csv/tsv/jsonl: column of a field by header name or 0-based index: user=, item=, timestamp=, type=, value=. Repeatable.")
  List<String> columns = List.of();

  @Option(names = "--delimiter", paramLabel = "CHAR", description = "csv: the delimiter (default: detected; 'tab' for a tab).")
  String delimiter;

  @Option(names = "--no-header", description = "csv/tsv: the file has no header line (default: detected).")
  boolean noHeader;

  @Option(names = "--skip-bad-lines", description = "Skip bad lines (counted, first ones shown) instead of refusing the file.")
  boolean skipBadLines;

  @Option(names = "--event-types", paramLabel = "SPEC", description = "Valid event types and weights, as for 'funnel serve' (default: the serve default).")
  String eventTypes;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "10000", description = "Events per log append. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Override
  public Integer call() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String c : columns) {
      int eq = c.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--column expects FIELD=COLUMN; got '" + c + "'");
      }
      map.put(c.substring(0, eq).trim(), c.substring(eq + 1).trim());
    }
    EventImporter.Options o = new EventImporter.Options(EventImporter.Format.parse(format), map,
        delimiter == null ? null : delimiter.equals("tab") ? "\t" : delimiter, noHeader ? Boolean.FALSE : null, skipBadLines,
        eventTypes == null ? EventTypes.defaults() : EventTypes.parse(eventTypes), batch);
    System.out.println(EventImporter.importFile(data, events, o).summary());
    return 0;
  }
}
