package dev.funnel.store.log;

import static dev.funnel.store.log.EventLogTest.all;
import static dev.funnel.store.log.EventLogTest.batch;
import static dev.funnel.store.log.EventLogTest.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.store.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged copies of real segment files: every cut, every flipped byte, bad headers. The segments here
 * are format version 1 (no preallocation), whose file ends where its records end; {@link
 * PreallocationTest} covers version 3's zero tail.
 */
class RecoveryTest {
  static final LogConfig V1 = LogConfig.defaults().withPreallocateBytes(0);
  private static final String FIRST = "00000000000000000001.log";
  @TempDir Path tmp;
  private byte[] segment;
  /** End offset of each record of {@link #segment}, in order. */
  private long[] recordEnds;
  private List<LoggedEvent> events;

  @BeforeEach
  void writeSmallSegment() throws Exception {
    Path dir = tmp.resolve("source");
    try (EventLog log = EventLog.open(dir, V1)) {
      log.append(batch("a", 3)).get();
      log.append(List.of(new Event("id", "ü", "i", "rating", -1, 3.5f, "rq", Map.of("k", "v")))).get();
      log.append(batch("b", 4)).get();
      events = all(log, 1);
    }
    segment = Files.readAllBytes(dir.resolve(FIRST));
    List<Long> ends = new ArrayList<>();
    int pos = SegmentFormat.HEADER_BYTES;
    while (pos < segment.length) {
      pos += SegmentFormat.RECORD_OVERHEAD + SegmentFormat.getInt(segment, pos);
      ends.add((long) pos);
    }
    assertThat(pos).isEqualTo(segment.length);
    recordEnds = ends.stream().mapToLong(Long::longValue).toArray();
    assertThat(recordEnds).hasSize(8);
  }

  private Path copyWith(String name, byte[] bytes) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.write(dir.resolve(FIRST), bytes);
    return dir;
  }

  private int completeRecordsBefore(long offset) {
    int n = 0;
    while (n < recordEnds.length && recordEnds[n] <= offset) {
      n++;
    }
    return n;
  }

  private long recordStart(int record) {
    return record == 0 ? SegmentFormat.HEADER_BYTES : recordEnds[record - 1];
  }

  @Test
  void aCutAtEveryByteKeepsExactlyTheCompleteRecordsBeforeIt() throws Exception {
    for (int cut = 0; cut <= segment.length; cut++) {
      Path dir = copyWith("cut" + cut, Arrays.copyOf(segment, cut));
      try (EventLog log = EventLog.open(dir, V1)) {
        RecoveryReport r = log.recovery();
        int kept = cut < SegmentFormat.HEADER_BYTES ? 0 : completeRecordsBefore(cut);
        assertThat(r.records()).as("cut %d", cut).isEqualTo(kept);
        assertThat(log.lastSequence()).isEqualTo(kept);
        assertThat(all(log, 1)).as("cut %d", cut).isEqualTo(events.subList(0, kept));
        long at = cut;
        boolean atBoundary = cut == SegmentFormat.HEADER_BYTES || Arrays.stream(recordEnds).anyMatch(e -> e == at);
        if (atBoundary) {
          assertThat(r.clean()).as("cut %d: %s", cut, r.summary()).isTrue();
        } else {
          assertThat(r.truncations()).as("cut %d", cut).hasSize(1);
          RecoveryReport.Truncation t = r.truncations().get(0);
          assertThat(t.file()).isEqualTo(dir.resolve(FIRST));
          assertThat(t.tail()).isTrue();
          long good = cut < SegmentFormat.HEADER_BYTES ? 0 : recordStart(kept);
          assertThat(t.offset()).as("cut %d", cut).isEqualTo(good);
          assertThat(t.droppedBytes()).isEqualTo(cut - good);
          if (t.droppedBytes() > 0) {
            assertThat(Files.readAllBytes(t.savedTo())).isEqualTo(Arrays.copyOfRange(segment, (int) good, cut));
          }
          assertThat(t.reason()).isNotBlank();
        }
        if (cut % 9 != 0) {
          continue; // appending and reopening every ninth cut keeps the test fast on a busy disk
        }
        // The repaired log takes appends right after the kept records.
        assertThat(log.append(batch("new", 1)).get()).isEqualTo(kept + 1L);
      }
      try (EventLog again = EventLog.open(dir, V1)) {
        assertThat(again.recovery().clean()).as("second open after cut %d: %s", cut, again.recovery().summary()).isTrue();
        assertThat(again.lastSequence()).isEqualTo(
            (cut < SegmentFormat.HEADER_BYTES ? 0 : completeRecordsBefore(cut)) + 1L);
      }
    }
  }

  @Test
  void aFlippedBitInAnyRecordKeepsEverythingBeforeThatRecordAndNamesIt() throws Exception {
    for (int p = SegmentFormat.HEADER_BYTES; p < segment.length; p++) {
      byte[] damaged = segment.clone();
      damaged[p] ^= (byte) (1 << (p % 8));
      Path dir = copyWith("flip" + p, damaged);
      int record = completeRecordsBefore(p);
      try (EventLog log = EventLog.open(dir, V1)) {
        RecoveryReport r = log.recovery();
        assertThat(r.records()).as("flip at %d", p).isEqualTo(record);
        assertThat(all(log, 1)).isEqualTo(events.subList(0, record));
        assertThat(r.truncations()).hasSize(1);
        RecoveryReport.Truncation t = r.truncations().get(0);
        assertThat(t.file()).isEqualTo(dir.resolve(FIRST));
        assertThat(t.offset()).as("flip at %d: %s", p, t).isEqualTo(recordStart(record));
        assertThat(t.droppedBytes()).isEqualTo(segment.length - recordStart(record));
        assertThat(t.toString()).contains(FIRST).contains("at byte " + recordStart(record));
      }
    }
  }

  @Test
  void damageInAnOlderSegmentStopsThereAndSetsTheLaterSegmentsAside() throws Exception {
    Path dir = tmp.resolve("multi");
    List<LoggedEvent> written;
    try (EventLog log = EventLog.open(dir, V1.withSegmentBytes(300))) {
      for (int i = 0; i < 20; i++) {
        log.append(batch("m" + i, 1)).get();
      }
      written = all(log, 1);
    }
    List<Path> files = segmentFiles(dir);
    assertThat(files.size()).isGreaterThan(3);
    Path second = files.get(1);
    byte[] b = Files.readAllBytes(second);
    int secondRecord = SegmentFormat.HEADER_BYTES + SegmentFormat.RECORD_OVERHEAD + SegmentFormat.getInt(b, SegmentFormat.HEADER_BYTES);
    b[secondRecord + 12] ^= 0x40;
    Files.write(second, b);
    long kept = SegmentFormat.parseFileName(second); // first record of the second segment is intact
    try (EventLog log = EventLog.open(dir, V1.withSegmentBytes(300))) {
      RecoveryReport r = log.recovery();
      assertThat(r.truncations()).hasSize(1);
      RecoveryReport.Truncation t = r.truncations().get(0);
      assertThat(t.tail()).isFalse();
      assertThat(t.file()).isEqualTo(second);
      assertThat(t.offset()).isEqualTo(secondRecord);
      assertThat(t.reason()).contains("CRC32C mismatch");
      assertThat(r.summary()).contains("DAMAGE in an older segment").contains(second.toString()).contains("at byte " + secondRecord);
      assertThat(r.quarantined()).hasSize(files.size() - 2);
      assertThat(segmentFiles(dir)).containsExactly(files.get(0), second);
      assertThat(log.lastSequence()).isEqualTo(kept);
      assertThat(all(log, 1)).isEqualTo(written.subList(0, (int) kept));
      assertThat(log.append(batch("after", 1)).get()).isEqualTo(kept + 1);
    }
    try (Stream<Path> s = Files.list(dir.resolve("damaged"))) {
      assertThat(s.count()).as("later segments and the dropped bytes are kept for inspection").isEqualTo(files.size() - 2 + 1);
    }
  }

  @Test
  void aMissingMiddleSegmentIsAGapThatStopsTheLog() throws Exception {
    Path dir = tmp.resolve("gap");
    try (EventLog log = EventLog.open(dir, V1.withSegmentBytes(300))) {
      for (int i = 0; i < 20; i++) {
        log.append(batch("g" + i, 1)).get();
      }
    }
    List<Path> files = segmentFiles(dir);
    Files.delete(files.get(1));
    try (EventLog log = EventLog.open(dir, V1.withSegmentBytes(300))) {
      RecoveryReport r = log.recovery();
      assertThat(r.truncations()).singleElement().satisfies(t -> {
        assertThat(t.file()).isEqualTo(files.get(2));
        assertThat(t.reason()).contains("gap").contains("expected next");
        assertThat(t.tail()).isFalse();
      });
      assertThat(r.quarantined()).hasSize(files.size() - 2);
      assertThat(log.lastSequence()).isEqualTo(SegmentFormat.parseFileName(files.get(1)) - 1);
    }
  }

  @Test
  void anEmptyTailSegmentGetsItsHeaderBack() throws Exception {
    Path dir = copyWith("empty", new byte[0]);
    try (EventLog log = EventLog.open(dir, V1)) {
      assertThat(log.recovery().truncations()).singleElement().satisfies(t -> assertThat(t.reason()).contains("empty segment"));
      assertThat(log.append(batch("x", 2)).get()).isEqualTo(2L);
    }
    try (EventLog log = EventLog.open(dir, V1)) {
      assertThat(log.recovery().clean()).isTrue();
      assertThat(log.recovery().records()).isEqualTo(2);
    }
  }

  @Test
  void anOlderSegmentWithoutHeaderIsAClearErrorAndNothingIsChanged() throws Exception {
    Path dir = copyWith("noheader", new byte[0]);
    Files.write(dir.resolve(SegmentFormat.fileName(9)), Arrays.copyOf(segment, 0));
    Files.write(dir.resolve(FIRST), Arrays.copyOf(segment, 7));
    assertThatThrownBy(() -> EventLog.open(dir, V1)).isInstanceOf(LogFormatException.class)
        .hasMessageContaining(dir.resolve(FIRST).toString()).hasMessageContaining("missing header: the file has 7 bytes");
    assertThat(Files.size(dir.resolve(FIRST))).isEqualTo(7);
  }

  @Test
  void wrongMagicOrVersionIsAClearError() throws Exception {
    byte[] magic = segment.clone();
    magic[0] = 'X';
    Path dir = copyWith("magic", magic);
    assertThatThrownBy(() -> EventLog.open(dir, V1)).isInstanceOf(LogFormatException.class)
        .hasMessageContaining(FIRST).hasMessageContaining("not an event log segment");
    assertThat(Files.readAllBytes(dir.resolve(FIRST))).isEqualTo(magic);

    byte[] version = segment.clone();
    SegmentFormat.putInt(version, 4, SegmentFormat.VERSION_CURRENT + 1);
    Path dir2 = copyWith("version", version);
    assertThatThrownBy(() -> EventLog.open(dir2, V1)).isInstanceOf(LogFormatException.class)
        .hasMessageContaining("format version " + (SegmentFormat.VERSION_CURRENT + 1)).hasMessageContaining("reads versions 1 to 3");

    for (int p = 8; p < SegmentFormat.HEADER_BYTES; p++) {
      byte[] header = segment.clone();
      header[p] ^= 1;
      Path dir3 = copyWith("header" + p, header);
      assertThatThrownBy(() -> EventLog.open(dir3, V1)).as("flip in header byte %d", p).isInstanceOf(LogFormatException.class)
          .hasMessageContaining(FIRST);
    }
  }

  @Test
  void aSegmentWhoseHeaderDisagreesWithItsNameIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("renamed"));
    Files.write(dir.resolve(SegmentFormat.fileName(5)), segment);
    assertThatThrownBy(() -> EventLog.open(dir, V1)).isInstanceOf(LogFormatException.class)
        .hasMessageContaining("header says first sequence 1 but the file name says 5");
  }
}
