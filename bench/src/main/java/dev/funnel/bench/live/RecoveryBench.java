package dev.funnel.bench.live;

import dev.funnel.store.DataDirectory;
import dev.funnel.store.Event;
import dev.funnel.store.log.EventLog;
import dev.funnel.store.log.LogConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Restart after {@code kill -9} with a big log: a data directory whose log holds {@code events} click
 * events (random users and items of the given counts, one tiny model), the real server started on it
 * as a child process and killed with {@code kill -9}, then started again: {@code ready_seconds} is the
 * time from that second process start to the first 200 of {@code /ready} (JVM start, log recovery,
 * catalog open, model load and the replay of the whole log into the online state).
 */
public final class RecoveryBench {
  private RecoveryBench() {}

  public static Map<String, Object> run(Path data, long events, int users, int items, String heap) throws IOException, InterruptedException {
    ServerProcess.writeTinyModel(data);
    // The baseline: the same server on an empty log (JVM start, catalog, model, HTTP), so the replay's share shows.
    ServerProcess blank = ServerProcess.start(data, heap, Duration.ofMinutes(5));
    double empty = blank.readySeconds;
    System.out.printf("empty log: ready in %.2f s; kill -9%n", empty);
    blank.kill9();
    long t0 = System.nanoTime();
    SplittableRandom rnd = new SplittableRandom(42);
    try (DataDirectory dir = DataDirectory.open(data); EventLog log = EventLog.open(dir.logDir(), LogConfig.defaults())) {
      ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
      long ts = 1_700_000_000_000L;
      for (long done = 0; done < events; ) {
        int n = (int) Math.min(10_000, events - done);
        List<Event> batch = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
          batch.add(Event.of("u" + rnd.nextInt(users), "i" + rnd.nextInt(items), "click", ts++));
        }
        inFlight.add(log.append(batch));
        if (inFlight.size() > 4) {
          inFlight.poll().join();
        }
        done += n;
      }
      while (!inFlight.isEmpty()) {
        inFlight.poll().join();
      }
    }
    double generate = (System.nanoTime() - t0) / 1e9;
    long bytes;
    try (Stream<Path> files = Files.list(data.resolve(DataDirectory.LOG_DIR))) {
      bytes = files.mapToLong(f -> f.toFile().length()).sum();
    }
    System.out.printf("wrote %,d events (%,d bytes) in %.1f s%n", events, bytes, generate);
    ServerProcess first = ServerProcess.start(data, heap, Duration.ofMinutes(15));
    System.out.printf("first start: ready in %.2f s%n", first.readySeconds);
    // The first start replayed the whole log, so it writes an online snapshot at once in the background:
    // wait for it (the state a long-running server always has), then kill -9.
    long w0 = System.nanoTime();
    Path snapshots = data.resolve(DataDirectory.SNAPSHOTS_DIR).resolve("online");
    Path snapshot = null;
    while (snapshot == null && System.nanoTime() - w0 < Duration.ofMinutes(10).toNanos()) {
      if (Files.isDirectory(snapshots)) {
        try (Stream<Path> files = Files.list(snapshots)) {
          snapshot = files.filter(f -> f.getFileName().toString().endsWith(".snap")).findFirst().orElse(null);
        }
      }
      Thread.sleep(20);
    }
    double snapshotWait = (System.nanoTime() - w0) / 1e9;
    long snapshotBytes = snapshot == null ? 0 : Files.size(snapshot);
    System.out.printf("online snapshot %s (%,d bytes) %.2f s after ready; kill -9%n", snapshot, snapshotBytes, snapshotWait);
    first.kill9();
    ServerProcess second = ServerProcess.start(data, heap, Duration.ofMinutes(15));
    System.out.printf("restart after kill -9: ready in %.2f s%n", second.readySeconds);
    second.kill9();
    Path out = data.toAbsolutePath().getParent().resolve("server.out");
    String replayLine = "";
    String snapshotLine = "";
    String loadLine = "";
    if (Files.exists(out)) {
      for (String line : Files.readAllLines(out)) {
        if (line.contains("online snapshot") && !line.startsWith("INFO: loaded")) {
          snapshotLine = line.trim();
          System.out.println("server: " + snapshotLine);
        }
        if (line.contains("loaded online snapshot")) {
          loadLine = line.trim();
          System.out.println("server: " + loadLine);
        }
        if (line.contains("replay ")) {
          replayLine = line.trim();
          System.out.println("server: " + replayLine);
        }
      }
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("events", events);
    row.put("ready_seconds", Math.round(second.readySeconds * 1000) / 1000.0);
    row.put("first_ready_seconds", Math.round(first.readySeconds * 1000) / 1000.0);
    row.put("log_bytes", bytes);
    row.put("users", users);
    row.put("items", items);
    row.put("heap", heap);
    row.put("empty_ready_seconds", Math.round(empty * 1000) / 1000.0);
    row.put("server_said", replayLine);
    row.put("snapshot_bytes", snapshotBytes);
    row.put("snapshot_after_ready_seconds", Math.round(snapshotWait * 1000) / 1000.0);
    row.put("snapshot_written", snapshotLine);
    row.put("snapshot_loaded", loadLine);
    return row;
  }
}
