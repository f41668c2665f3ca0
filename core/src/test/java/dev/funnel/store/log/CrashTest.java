package dev.funnel.store.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real appending process at a seeded random moment, then recovery: every
 * acknowledged event is present exactly once, at its acknowledged sequence, and sequences have no
 * gaps. Rounds: {@code -Dfunnel.crash.rounds=N} (default 3; the bench preset runs 20+); seed:
 * {@code -Dfunnel.crash.seed=S}.
 */
class CrashTest {
  @TempDir Path dir;

  /** One acknowledged batch as the child printed it. */
  record Ack(int round, int thread, int batch, int size, long lastSequence) {}

  /** Totals over all rounds, for the bench row {@code rounds, acknowledged, lost, duplicated}. */
  record Outcome(int rounds, long acknowledged, long lost, long duplicated, long truncatedBytes) {}

  @Test
  void acknowledgedEventsSurviveKill9() throws Exception {
    long seed = Long.getLong("funnel.crash.seed", System.nanoTime());
    int rounds = Integer.getInteger("funnel.crash.rounds", 3);
    System.out.println("CrashTest seed " + seed + " (-Dfunnel.crash.seed), rounds " + rounds);
    Outcome o = run(dir, rounds, 4, seed, 100, 700);
    System.out.println("CrashTest " + o);
    assertThat(o.acknowledged()).as("the child acknowledged something").isPositive();
    assertThat(o.lost()).isZero();
    assertThat(o.duplicated()).isZero();
  }

  /** Runs the rounds against {@code dir}; also used by the crash bench. Fails with an assertion at the first broken check. */
  static Outcome run(Path dir, int rounds, int threads, long seed, int minKillMillis, int maxKillMillis) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    List<Ack> acks = new ArrayList<>();
    long truncated = 0;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    for (int round = 1; round <= rounds; round++) {
      Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
          CrashChild.class.getName(), dir.toString(), Integer.toString(round), Integer.toString(threads))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread pump = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (java.io.IOException e) {
          // The pipe breaks when the child dies.
        }
      });
      pump.start();
      String ready = lines.poll(60, TimeUnit.SECONDS);
      assertThat(ready).as("round %d: child start-up line", round).startsWith("ready");
      Thread.sleep(minKillMillis + random.nextInt(maxKillMillis - minKillMillis + 1));
      child.destroyForcibly(); // SIGKILL on Unix
      child.waitFor();
      pump.join();
      int before = acks.size();
      for (String line : lines) {
        String[] f = line.split(" ");
        if (f[0].equals("ack") && f.length == 6) { // a line cut by the kill is not an acknowledgment we saw
          acks.add(new Ack(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]),
              Long.parseLong(f[5])));
        }
      }
      // Reopen: recovery, then check everything acknowledged so far.
      try (EventLog log = EventLog.open(dir, LogConfig.defaults().withSegmentBytes(256 << 10))) {
        RecoveryReport report = log.recovery();
        System.out.println("round " + round + ": " + (acks.size() - before) + " batches acknowledged; " + report.summary());
        for (RecoveryReport.Truncation t : report.truncations()) {
          assertThat(t.tail()).as("a crash only tears the tail: %s", t).isTrue();
          truncated += t.droppedBytes();
        }
        Map<String, Long> sequenceOf = new HashMap<>();
        long[] expected = {1};
        long[] duplicated = {0};
        log.replay(1, e -> {
          assertThat(e.sequence()).as("sequences are contiguous").isEqualTo(expected[0]++);
          if (sequenceOf.put(e.event().id(), e.sequence()) != null) {
            duplicated[0]++;
          }
        });
        assertThat(expected[0] - 1).isEqualTo(log.lastSequence());
        long lost = 0;
        long acknowledged = 0;
        for (Ack a : acks) {
          for (int k = 0; k < a.size(); k++) {
            acknowledged++;
            Long s = sequenceOf.get(CrashChild.id(a.round(), a.thread(), a.batch(), k));
            if (s == null) {
              lost++;
            } else {
              assertThat(s).as("event %d of %s at its acknowledged place", k, a).isEqualTo(a.lastSequence() - a.size() + 1 + k);
            }
          }
        }
        if (round == rounds || lost > 0 || duplicated[0] > 0) {
          return new Outcome(round, acknowledged, lost, duplicated[0], truncated);
        }
      }
    }
    throw new AssertionError("unreachable");
  }
}
