package dev.funnel.store.log;

import static dev.funnel.store.log.EventLogTest.all;
import static dev.funnel.store.log.EventLogTest.batch;
import static dev.funnel.store.log.EventLogTest.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment format version 3: the idle writer keeps zeros written ahead of the records; a zero tail is
 * the clean end of the records, anything else after the records is still damage.
 */
class PreallocationTest {
  private static final String FIRST = "00000000000000000001.log";
  /** A small look-ahead, so the tests' files stay small. */
  private static final LogConfig AHEAD = LogConfig.defaults().withPreallocateBytes(4096);
  @TempDir Path tmp;

  /** Waits (up to 20 s) until the idle writer has grown {@code file} to {@code size} bytes. */
  static void awaitSize(Path file, long size) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (Files.size(file) < size) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " has " + Files.size(file) + " bytes, not the " + size + " expected after preallocation");
      }
      Thread.sleep(5);
    }
  }

  /** Header and records of the first segment, and where they end. */
  private record Written(byte[] file, int recordsEnd, List<LoggedEvent> events) {}

  private Written writeAndClose(Path dir) throws Exception {
    List<LoggedEvent> events;
    try (EventLog log = EventLog.open(dir, AHEAD)) {
      log.append(batch("a", 3)).get();
      log.append(batch("b", 4)).get();
      events = all(log, 1);
      // A top-up fills 4096 bytes past the records it saw; later small commits use some of them without
      // starting another until less than half is left. So at least 2048 zeros follow the records.
      awaitSize(dir.resolve(FIRST), recordsEnd(Files.readAllBytes(dir.resolve(FIRST))) + 2048);
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (log.stats().preallocations() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(1); // the zeros are in the file before their fsync returns and the step is counted
      }
      assertThat(log.stats().preallocations()).isPositive();
    }
    byte[] file = Files.readAllBytes(dir.resolve(FIRST));
    return new Written(file, recordsEnd(file), events);
  }

  /** Walks the length prefixes from the header to the first zero length (or the end). */
  private static int recordsEnd(byte[] file) {
    int pos = SegmentFormat.HEADER_BYTES;
    while (pos + SegmentFormat.RECORD_OVERHEAD <= file.length && SegmentFormat.getInt(file, pos) != 0) {
      pos += SegmentFormat.RECORD_OVERHEAD + SegmentFormat.getInt(file, pos);
    }
    return pos;
  }

  @Test
  void theIdleWriterWritesZerosAheadAndAppendsGoOnAfterTheRecords() throws Exception {
    Path dir = tmp.resolve("log");
    Written w = writeAndClose(dir);
    assertThat(SegmentFormat.getInt(w.file(), 4)).as("format version").isEqualTo(SegmentFormat.VERSION_3);
    assertThat(w.file().length - w.recordsEnd()).as("zeros ahead").isBetween(2048, 4096);
    assertThat(Arrays.copyOfRange(w.file(), w.recordsEnd(), w.file().length)).containsOnly(0);
    try (EventLog log = EventLog.open(dir, AHEAD)) {
      assertThat(log.recovery().clean()).as(log.recovery().summary()).isTrue();
      assertThat(log.lastSequence()).isEqualTo(7);
      assertThat(log.append(batch("c", 2)).get()).isEqualTo(9L);
      List<LoggedEvent> got = all(log, 1);
      assertThat(got.subList(0, 7)).isEqualTo(w.events());
      assertThat(got).extracting(LoggedEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }
    byte[] after = Files.readAllBytes(dir.resolve(FIRST));
    assertThat(Arrays.copyOf(after, w.recordsEnd())).as("the old records are untouched").isEqualTo(Arrays.copyOf(w.file(), w.recordsEnd()));
    assertThat(recordsEnd(after)).as("the new records follow the old ones, not the zeros").isGreaterThan(w.recordsEnd());
    try (EventLog log = EventLog.open(dir, AHEAD)) {
      assertThat(log.recovery().clean()).isTrue();
      assertThat(log.lastSequence()).isEqualTo(9);
    }
  }

  @Test
  void aCutAnywhereKeepsTheCompleteRecordsAndACutInTheZerosIsClean() throws Exception {
    Written w = writeAndClose(tmp.resolve("source"));
    for (int cut = SegmentFormat.HEADER_BYTES; cut <= w.file().length; cut += cut < w.recordsEnd() + 64 ? 1 : 509) {
      Path dir = Files.createDirectories(tmp.resolve("cut" + cut));
      Files.write(dir.resolve(FIRST), Arrays.copyOf(w.file(), cut));
      try (EventLog log = EventLog.open(dir, AHEAD)) {
        RecoveryReport r = log.recovery();
        int kept = (int) all(log, 1).size();
        assertThat(all(log, 1)).as("cut %d", cut).isEqualTo(w.events().subList(0, kept));
        if (cut >= w.recordsEnd()) {
          assertThat(kept).as("cut %d", cut).isEqualTo(7);
          assertThat(r.clean()).as("cut %d in the zeros: %s", cut, r.summary()).isTrue();
        } else {
          assertThat(kept).as("cut %d", cut).isLessThan(7);
        }
        assertThat(log.append(batch("new", 1)).get()).isEqualTo(kept + 1L);
      }
    }
  }

  @Test
  void aNonZeroByteInTheTailIsDamageNamedAtTheRecordsEnd() throws Exception {
    Written w = writeAndClose(tmp.resolve("source"));
    for (int p : new int[] {w.recordsEnd(), w.recordsEnd() + 3, w.recordsEnd() + 8, w.recordsEnd() + 100, w.file().length - 1}) {
      byte[] damaged = w.file().clone();
      damaged[p] = 7;
      Path dir = Files.createDirectories(tmp.resolve("flip" + p));
      Files.write(dir.resolve(FIRST), damaged);
      try (EventLog log = EventLog.open(dir, AHEAD)) {
        RecoveryReport r = log.recovery();
        assertThat(all(log, 1)).as("byte %d", p).isEqualTo(w.events());
        assertThat(r.truncations()).as("byte %d", p).hasSize(1);
        RecoveryReport.Truncation t = r.truncations().get(0);
        assertThat(t.offset()).as("byte %d: %s", p, t).isEqualTo(w.recordsEnd());
        assertThat(t.droppedBytes()).isEqualTo(w.file().length - w.recordsEnd());
        assertThat(t.tail()).isTrue();
      }
    }
  }

  @Test
  void aZeroTailInAVersion1SegmentIsStillDamage() throws Exception {
    Written w = writeAndClose(tmp.resolve("source"));
    byte[] v1 = w.file().clone();
    SegmentFormat.writeHeader(v1, 1, SegmentFormat.VERSION_1);
    Path dir = Files.createDirectories(tmp.resolve("v1"));
    Files.write(dir.resolve(FIRST), v1);
    try (EventLog log = EventLog.open(dir, AHEAD)) {
      RecoveryReport r = log.recovery();
      assertThat(all(log, 1)).isEqualTo(w.events());
      assertThat(r.truncations()).hasSize(1);
      assertThat(r.truncations().get(0).reason()).contains("bad payload length 0");
      assertThat(r.truncations().get(0).offset()).isEqualTo(w.recordsEnd());
    }
  }

  @Test
  void closedSegmentsKeepNoZerosAndAVersion1TailIsNotPreallocated() throws Exception {
    Path dir = tmp.resolve("v1first");
    try (EventLog log = EventLog.open(dir, RecoveryTest.V1)) {
      log.append(batch("old", 2)).get();
    }
    long v1Size = Files.size(dir.resolve(FIRST));
    try (EventLog log = EventLog.open(dir, AHEAD.withSegmentBytes(600))) {
      log.append(batch("x", 1)).get();
      Thread.sleep(50);
      assertThat(SegmentFormat.getInt(Files.readAllBytes(dir.resolve(FIRST)), 4)).isEqualTo(SegmentFormat.VERSION_1);
      assertThat(log.stats().preallocations()).as("no zeros go into a version-1 segment").isZero();
      for (int i = 0; i < 30; i++) {
        log.append(batch("y" + i, 1)).get();
        Thread.sleep(i % 5 == 0 ? 20 : 0); // idle moments, for the writer to write zeros
      }
      assertThat(log.stats().preallocations()).isPositive();
      assertThat(all(log, 1)).hasSize(33);
    }
    List<Path> files = segmentFiles(dir);
    assertThat(files.size()).isGreaterThan(2);
    assertThat(Files.size(files.get(0))).isGreaterThan(v1Size);
    for (Path f : files.subList(0, files.size() - 1)) {
      byte[] b = Files.readAllBytes(f);
      assertThat(recordsEnd(b)).as("%s: a closed segment ends with its records", f).isEqualTo(b.length);
    }
    for (Path f : files.subList(1, files.size())) {
      assertThat(SegmentFormat.getInt(Files.readAllBytes(f), 4)).as("%s", f).isEqualTo(SegmentFormat.VERSION_3);
    }
    try (EventLog log = EventLog.open(dir, AHEAD.withSegmentBytes(600))) {
      assertThat(log.recovery().clean()).as(log.recovery().summary()).isTrue();
      assertThat(all(log, 1)).extracting(LoggedEvent::sequence).hasSize(33).endsWith(33L);
    }
  }

  @Test
  void withoutPreallocationSegmentsAreVersion1AndEndWithTheirRecords() throws Exception {
    Path dir = tmp.resolve("off");
    try (EventLog log = EventLog.open(dir, RecoveryTest.V1)) {
      log.append(batch("a", 5)).get();
      Thread.sleep(50);
      assertThat(log.stats().preallocations()).isZero();
    }
    byte[] b = Files.readAllBytes(dir.resolve(FIRST));
    assertThat(SegmentFormat.getInt(b, 4)).isEqualTo(SegmentFormat.VERSION_1);
    assertThat(recordsEnd(b)).isEqualTo(b.length);
  }

  @Test
  void zerosGoDownInStepsNotAfterEveryCommit() throws Exception {
    Path dir = tmp.resolve("steps");
    try (EventLog log = EventLog.open(dir, LogConfig.defaults())) {
      log.append(batch("a", 1)).get();
      awaitSize(dir.resolve(FIRST), SegmentFormat.HEADER_BYTES + LogConfig.DEFAULT_PREALLOCATE_BYTES);
      // The last step's zeros are in the file before its fsync returns and it is counted: wait for a steady count.
      long stepsForTheFirstMiB = -1;
      for (long seen = log.stats().preallocations(), polls = 0; (seen != stepsForTheFirstMiB || seen < 4) && polls < 200;
          seen = log.stats().preallocations(), polls++) {
        stepsForTheFirstMiB = seen;
        Thread.sleep(100);
      }
      assertThat(stepsForTheFirstMiB).as("1 MiB in 256 KiB steps").isBetween(4L, 5L);
      for (int i = 0; i < 50; i++) {
        log.append(batch("b" + i, 1)).get();
        Thread.sleep(1); // idle between commits, as at a low event rate
      }
      Thread.sleep(50);
      assertThat(log.stats().preallocations()).as("50 small commits use a few KiB of the zeros and start no top-up")
          .isEqualTo(stepsForTheFirstMiB);
    }
  }
}
