package dev.funnel.cli;

import dev.funnel.server.EventExporter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Writes a data directory's event log as JSON lines of the event record (id, user, item, type, ts, value, request_id,",
        "context; absent fields left out), in log order, without erased events. 'funnel import' reads it back exactly, and",
        "POST /v1/events accepts it as is. Stopped server only (the directory is locked while served)."},
    footer = {"", "Examples:", "  funnel export --data funnel-live --out events.jsonl",
        "  funnel export --data funnel-live --out backup.jsonl && funnel import --data copy --events backup.jsonl"})
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data directory.")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output file (written beside as FILE.tmp, then renamed).")
  Path out;

  @Override
  public Integer call() {
    System.out.println(EventExporter.export(data, out).summary());
    return 0;
  }
}
