package dev.funnel.store.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.store.Event;
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
 * {@code kill -9} of a real process while it erases a user and compacts the log, at seeded random
 * moments: afterwards every other event is present exactly once at its sequence, and the erased
 * user's events are either all present (the erasure was not yet durable, never confirmed) or all
 * gone, never partly, and gone for good once the erasure was confirmed; a compaction in the next
 * process removes their bytes. Rounds: {@code -Dfunnel.crash.rounds=N} (default 3); seed
 * {@code -Dfunnel.crash.seed=S}.
 */
class CompactionCrashTest {
  static final LogConfig CONFIG = LogConfig.defaults().withSegmentBytes(256 << 10);
  static final int USERS = 12;
  static final int EVENTS = 120_000;

  @TempDir Path dir;

  @Test
  void killDuringErasureAndCompactionLosesNothingElseAndNeverResurrects() throws Exception {
    long seed = Long.getLong("funnel.crash.seed", System.nanoTime());
    int rounds = Integer.getInteger("funnel.crash.rounds", 3);
    System.out.println("CompactionCrashTest seed " + seed + " (-Dfunnel.crash.seed), rounds " + rounds);
    SplittableRandom random = new SplittableRandom(seed);
    List<Event> events = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      events.add(new Event("e" + i, "user" + (i % USERS), "item-of-user" + (i % USERS) + "-" + i, "click", i, Float.NaN, null, Map.of()));
    }
    try (EventLog log = EventLog.open(dir, CONFIG)) {
      for (int from = 0; from < EVENTS; from += 5000) {
        log.append(events.subList(from, from + 5000)).get();
      }
    }
    Map<String, Boolean> confirmedErased = new HashMap<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int round = 0; round < rounds; round++) {
      String user = "user" + round;
      Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
          System.getProperty("java.class.path"), CompactionChild.class.getName(), dir.toString(), user)
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
      int delay = random.nextInt(1500);
      Thread.sleep(delay);
      child.destroyForcibly();
      child.waitFor();
      pump.join();
      boolean erased = false;
      boolean compacted = false;
      for (String line : lines) {
        erased |= line.startsWith("erased ");
        compacted |= line.startsWith("compacted ");
      }
      System.out.println("round " + round + ": killed after " + delay + " ms; erasure confirmed " + erased + ", compaction finished " + compacted);
      try (EventLog log = EventLog.open(dir, CONFIG)) {
        assertThat(log.recovery().truncations()).as("compaction never tears a segment").isEmpty();
        boolean pending = log.pendingErasures().containsKey(user);
        check(log, events, confirmedErased, user, erased, pending);
        if (pending || erased) {
          confirmedErased.put(user, true);
        }
        log.compact(e -> {});
        check(log, events, confirmedErased, user, erased, false);
        assertThat(ErasureTest.bytesContain(dir, "item-of-" + user + "-")).isEqualTo(!confirmedErased.containsKey(user));
      }
    }
  }

  private static void check(EventLog log, List<Event> events, Map<String, Boolean> erasedUsers, String user, boolean confirmed, boolean pending) {
    int[] ofUser = {0};
    long[] next = {1};
    log.replay(1, le -> {
      while (erasedUsers.containsKey(events.get((int) next[0] - 1).user()) || (confirmed || pending) && events.get((int) next[0] - 1).user().equals(user)) {
        next[0]++; // the erased users' events are skipped, nobody else's
      }
      assertThat(le.sequence()).isEqualTo(next[0]);
      assertThat(le.event()).isEqualTo(events.get((int) next[0] - 1));
      if (le.event().user().equals(user)) {
        ofUser[0]++;
      }
      next[0]++;
    });
    assertThat(ofUser[0]).as("the user's events: all or nothing").isIn(0, EVENTS / USERS);
    if (confirmed) {
      assertThat(ofUser[0]).as("a confirmed erasure never comes back").isZero();
    }
  }
}
