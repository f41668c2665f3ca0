package dev.funnel.bench.live;

import dev.funnel.store.DataDirectory;
import dev.funnel.store.log.EventLog;
import dev.funnel.store.log.LogConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code kill -9} of the real server while clients stream events, round after round: each round starts
 * {@code funnel serve --data DIR} as a child process, waits for {@code /ready}, lets {@code clients}
 * threads post batches of events with unique ids, kills the process at a seeded random moment, and
 * then reads the data directory's log: every event whose request was answered 200 must be there
 * exactly once. The next round restarts on the same directory (recovery of the torn tail).
 *
 * <p>Row {@code rounds, acknowledged, lost, duplicated} (plus the seed and the mean time to ready).
 */
public final class CrashBench {
  /** Totals over all rounds. */
  public record Outcome(int rounds, long acknowledged, long lost, long duplicated, long seed, double meanReadySeconds) {
    public Map<String, Object> row() {
      Map<String, Object> row = new java.util.LinkedHashMap<>();
      row.put("rounds", rounds);
      row.put("acknowledged", acknowledged);
      row.put("lost", lost);
      row.put("duplicated", duplicated);
      row.put("seed", seed);
      row.put("mean_ready_seconds", Math.round(meanReadySeconds * 1000) / 1000.0);
      return row;
    }
  }

  private CrashBench() {}

  public static Outcome run(Path data, int rounds, int clients, int batch, long seed, int minKillMillis, int maxKillMillis)
      throws IOException, InterruptedException {
    ServerProcess.writeTinyModel(data);
    SplittableRandom random = new SplittableRandom(seed);
    List<String> acked = new ArrayList<>();
    double readySum = 0;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    Outcome last = null;
    for (int round = 1; round <= rounds; round++) {
      ServerProcess server = ServerProcess.start(data, "512m", Duration.ofSeconds(180));
      readySum += server.readySeconds;
      AtomicBoolean killed = new AtomicBoolean();
      ConcurrentLinkedQueue<String> roundAcks = new ConcurrentLinkedQueue<>();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        int r = round;
        Thread t = new Thread(() -> {
          for (int b = 0; !killed.get(); b++) {
            StringBuilder body = new StringBuilder(batch * 80);
            List<String> ids = new ArrayList<>(batch);
            for (int k = 0; k < batch; k++) {
              String id = "r" + r + "c" + client + "b" + b + "k" + k;
              ids.add(id);
              body.append("{\"id\":\"").append(id).append("\",\"user\":\"user-").append((b * 31 + k) % 500).append("\",\"item\":\"item-")
                  .append((b * 17 + k * 7) % 2000).append("\",\"type\":\"click\"}\n");
            }
            try {
              HttpResponse<String> resp = http.send(HttpRequest.newBuilder(server.uri("/v1/events")).timeout(Duration.ofSeconds(30))
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
              if (resp.statusCode() == 200 && resp.body().contains("\"accepted\":" + batch + ",")) {
                roundAcks.addAll(ids);
              }
            } catch (IOException e) {
              // The server died mid-request: not acknowledged.
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "crash-client-" + c);
        threads.add(t);
        t.start();
      }
      int delay = minKillMillis + random.nextInt(maxKillMillis - minKillMillis + 1);
      Thread.sleep(delay);
      server.kill9();
      killed.set(true);
      for (Thread t : threads) {
        t.join();
      }
      acked.addAll(roundAcks);
      // Reopen the directory as the next server would: recovery, then every acknowledged id exactly once.
      Map<String, Integer> seen = new HashMap<>(acked.size() * 2);
      String recovery;
      try (DataDirectory dir = DataDirectory.open(data); EventLog log = EventLog.open(dir.logDir(), LogConfig.defaults())) {
        recovery = log.recovery().summary().replace(System.lineSeparator(), " ");
        log.replay(1, le -> seen.merge(le.event().id(), 1, Integer::sum));
      }
      long lost = 0;
      long duplicated = 0;
      for (String id : acked) {
        Integer n = seen.get(id);
        if (n == null) {
          lost++;
        }
      }
      for (int n : seen.values()) {
        if (n > 1) {
          duplicated += n - 1;
        }
      }
      System.out.printf("round %d: ready in %.2f s, killed after %d ms, %d events acknowledged this round; log %s; lost %d, duplicated %d%n", round,
          server.readySeconds, delay, roundAcks.size(), recovery, lost, duplicated);
      last = new Outcome(round, acked.size(), lost, duplicated, seed, readySum / round);
      if (lost > 0 || duplicated > 0) {
        break;
      }
    }
    return last;
  }
}
