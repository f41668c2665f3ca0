package dev.funnel.store.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.store.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {
  @TempDir Path dir;

  static Event event(String id) {
    return new Event(id, "user-" + id.hashCode() % 7, "item-" + id, "click", 1_700_000_000_000L + id.length(), Float.NaN, null, Map.of());
  }

  static List<Event> batch(String prefix, int n) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(event(prefix + "-" + i));
    }
    return out;
  }

  static List<LoggedEvent> all(EventLog log, long from) {
    List<LoggedEvent> out = new ArrayList<>();
    log.replay(from, out::add);
    return out;
  }

  static List<Path> segmentFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
  }

  @Test
  void appendsAreNumberedAcknowledgedAndReplayed() throws Exception {
    try (EventLog log = EventLog.open(dir.resolve("new/log"), LogConfig.defaults())) {
      assertThat(log.lastSequence()).isZero();
      assertThat(log.recovery().clean()).isTrue();
      assertThat(log.append(batch("a", 3)).get()).isEqualTo(3L);
      assertThat(log.append(List.of(event("b"))).get()).isEqualTo(4L);
      assertThat(log.append(List.of()).get()).isEqualTo(4L);
      assertThat(log.lastSequence()).isEqualTo(4L);
      List<LoggedEvent> got = all(log, 1);
      assertThat(got).extracting(LoggedEvent::sequence).containsExactly(1L, 2L, 3L, 4L);
      assertThat(got.get(3).event()).isEqualTo(event("b"));
      assertThat(all(log, 3)).extracting(e -> e.event().id()).containsExactly("a-2", "b");
      assertThat(log.stats().events()).isEqualTo(4);
    }
    assertThat(segmentFiles(dir.resolve("new/log"))).extracting(p -> p.getFileName().toString()).containsExactly("00000000000000000001.log");
  }

  @Test
  void reopeningContinuesTheSequence() throws Exception {
    try (EventLog log = EventLog.open(dir, LogConfig.defaults())) {
      log.append(batch("a", 5)).get();
    }
    try (EventLog log = EventLog.open(dir, LogConfig.defaults())) {
      assertThat(log.recovery().records()).isEqualTo(5);
      assertThat(log.recovery().clean()).as(log.recovery().summary()).isTrue();
      assertThat(log.append(batch("b", 2)).get()).isEqualTo(7L);
      assertThat(all(log, 1)).extracting(e -> e.event().id()).containsExactly("a-0", "a-1", "a-2", "a-3", "a-4", "b-0", "b-1");
    }
  }

  @Test
  void closedOrBadInputIsRefused() throws Exception {
    EventLog log = EventLog.open(dir, LogConfig.defaults());
    List<Event> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> log.append(withNull)).isInstanceOf(NullPointerException.class);
    log.close();
    log.close();
    assertThatThrownBy(() -> log.append(batch("x", 1))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void concurrentAppendersGetContiguousSequencesAndShareFsyncs() throws Exception {
    int threads = 8;
    int batches = 50;
    try (EventLog log = EventLog.open(dir, LogConfig.defaults().withSegmentBytes(4096))) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<List<long[]>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          List<long[]> acks = new ArrayList<>();
          List<CompletableFuture<Long>> inFlight = new ArrayList<>();
          for (int b = 0; b < batches; b++) {
            inFlight.add(log.append(batch("t" + thread + "b" + b, 1 + b % 4)));
          }
          for (int b = 0; b < batches; b++) {
            acks.add(new long[] {b, inFlight.get(b).get()});
          }
          return acks;
        }));
      }
      pool.shutdown();
      List<List<long[]>> acked = new ArrayList<>();
      for (Future<List<long[]>> r : results) {
        acked.add(r.get());
      }
      long expectedEvents = 0;
      for (int b = 0; b < batches; b++) {
        expectedEvents += 1 + b % 4;
      }
      expectedEvents *= threads;
      List<LoggedEvent> got = all(log, 1);
      assertThat(got).hasSize((int) expectedEvents);
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i).sequence()).isEqualTo(i + 1L);
      }
      // Each acknowledged batch ends at its acknowledged sequence with its own events in order.
      for (int t = 0; t < threads; t++) {
        for (long[] ack : acked.get(t)) {
          int size = 1 + (int) ack[0] % 4;
          for (int k = 0; k < size; k++) {
            Event e = got.get((int) (ack[1] - size + k)).event();
            assertThat(e.id()).isEqualTo("t" + t + "b" + ack[0] + "-" + k);
          }
        }
      }
      assertThat(segmentFiles(dir).size()).as("4 KiB segments roll").isGreaterThan(3);
      LogStats stats = log.stats();
      assertThat(stats.appends()).isEqualTo(threads * batches);
      long[] fsyncs = new long[EventLog.fsyncBucketBoundsNanos().length + 1];
      log.fsyncHistogram(fsyncs);
      // Every group commit forces once; a segment roll forces the old segment once more.
      assertThat(java.util.Arrays.stream(fsyncs).sum()).as("fsyncs counted in the histogram").isGreaterThanOrEqualTo(stats.groupCommits());
      System.out.println("group commits " + stats.groupCommits() + " for " + stats.appends() + " appends");
    }
    try (EventLog log = EventLog.open(dir, LogConfig.defaults().withSegmentBytes(4096))) {
      assertThat(log.recovery().clean()).isTrue();
      assertThat(log.lastSequence()).isEqualTo(all(log, 1).size());
      assertThat(all(log, 777).get(0).sequence()).isEqualTo(777L);
    }
  }

  @Test
  void segmentsRollAtTheConfiguredSizeAndAreNamedByFirstSequence() throws Exception {
    try (EventLog log = EventLog.open(dir, LogConfig.defaults().withSegmentBytes(512))) {
      for (int i = 0; i < 40; i++) {
        log.append(batch("s" + i, 1)).get();
      }
      List<Path> files = segmentFiles(dir);
      assertThat(files.size()).isGreaterThan(3);
      long previousFirst = 0;
      for (Path f : files) {
        assertThat(Files.size(f)).isLessThanOrEqualTo(512);
        long first = SegmentFormat.parseFileName(f);
        assertThat(first).isGreaterThan(previousFirst);
        previousFirst = first;
      }
      // A segment's file name is the sequence of its first record.
      List<LoggedEvent> fromLast = all(log, previousFirst);
      assertThat(fromLast.get(0).sequence()).isEqualTo(previousFirst);
      assertThat(all(log, 1)).hasSize(40);
    }
  }

  @Test
  void oneRecordLargerThanASegmentGetsASegmentOfItsOwn() throws Exception {
    try (EventLog log = EventLog.open(dir, LogConfig.defaults().withSegmentBytes(256))) {
      log.append(batch("small", 1)).get();
      Event big = new Event(null, "u", "x".repeat(2000), "click", 1, Float.NaN, null, Map.of());
      log.append(List.of(big, event("after"))).get();
      assertThat(all(log, 1)).extracting(LoggedEvent::event).containsExactly(event("small-0"), big, event("after"));
      assertThat(segmentFiles(dir)).hasSize(3);
    }
  }

  @Test
  void retentionBySizeDeletesOldestClosedSegmentsOnly() throws Exception {
    try (EventLog log = EventLog.open(dir, LogConfig.defaults().withSegmentBytes(512).withMaxTotalBytes(1500))) {
      for (int i = 0; i < 60; i++) {
        log.append(batch("r" + i, 1)).get();
      }
      List<Path> before = segmentFiles(dir);
      List<Path> deleted = log.applyRetention(Instant.now());
      List<Path> after = segmentFiles(dir);
      assertThat(deleted).containsExactlyElementsOf(before.subList(0, before.size() - after.size()));
      long total = 0;
      for (Path f : after) {
        total += Files.size(f);
      }
      assertThat(total).isLessThanOrEqualTo(1500);
      assertThat(after).contains(before.get(before.size() - 1));
      List<LoggedEvent> rest = all(log, 1);
      assertThat(rest.get(0).sequence()).isEqualTo(SegmentFormat.parseFileName(after.get(0)));
      assertThat(rest.get(rest.size() - 1).sequence()).isEqualTo(60L);
    }
    try (EventLog log = EventLog.open(dir, LogConfig.defaults().withSegmentBytes(512))) {
      assertThat(log.recovery().clean()).isTrue();
      assertThat(log.recovery().firstSequence()).isGreaterThan(1);
      assertThat(log.lastSequence()).isEqualTo(60);
    }
  }

  @Test
  void retentionByAgeNeverDeletesTheActiveSegment() throws Exception {
    long day = 86_400_000L;
    try (EventLog log = EventLog.open(dir, LogConfig.defaults().withSegmentBytes(512).withMaxAgeMillis(day))) {
      for (int i = 0; i < 30; i++) {
        log.append(batch("g" + i, 1)).get();
      }
      List<Path> files = segmentFiles(dir);
      Instant now = Instant.now();
      assertThat(log.applyRetention(now)).isEmpty();
      // Age the two oldest segments by two days.
      for (Path f : files.subList(0, 2)) {
        Files.setLastModifiedTime(f, FileTime.fromMillis(now.toEpochMilli() - 2 * day));
      }
      assertThat(log.applyRetention(now)).containsExactlyElementsOf(files.subList(0, 2));
      // Far in the future every closed segment is old, the active one stays.
      assertThat(log.applyRetention(now.plusMillis(10 * day))).hasSize(files.size() - 3);
      assertThat(segmentFiles(dir)).containsExactly(files.get(files.size() - 1));
      assertThat(log.append(batch("later", 1)).get()).isEqualTo(31L);
    }
  }
}
