package dev.funnel.store.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.store.Event;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps segment format version 1 stable: fixed events must be written as exactly the committed
 * bytes, and the committed file must read back as those events. To regenerate after a deliberate
 * format change (bump {@link SegmentFormat#VERSION_CURRENT} first and keep reading version 1), run
 * with {@code -Dfunnel.golden.write=core/src/test/resources/golden/event-log-v1.log}. Version 3 (the
 * default writer's, with zeros preallocated ahead) is version 1's records under another header
 * version, followed by zeros: checked against the same golden records.
 */
class SegmentGoldenTest {
  private static final String GOLDEN = "/golden/event-log-v1.log";
  @TempDir Path dir;

  static List<List<Event>> goldenBatches() {
    Map<String, String> context = new LinkedHashMap<>();
    context.put("slot", "3");
    context.put("page", "home");
    List<List<Event>> batches = new ArrayList<>();
    batches.add(List.of(Event.of("u", "i", "t", 1)));
    batches.add(List.of(
        new Event("evt-0001", "alice", "apple", "click", 1_700_000_000_000L, Float.NaN, null, Map.of()),
        new Event(null, "bob", "banana", "rating", 1_700_000_060_000L, 4.5f, "req-42", Map.of()),
        new Event("evt-0003", "carol", "cherry", "purchase", 1_700_000_120_000L, 19.99f, "req-43", context)));
    batches.add(List.of(
        new Event("", "dörte", "crème brûlée", "dislike", -86_400_000L, 0f, "", Map.of("emoji", "😀")),
        new Event(null, "erin", "long-" + "x".repeat(200), "view", 0L, Float.NaN, null, Map.of())));
    return batches;
  }

  static List<Event> goldenEvents() {
    return goldenBatches().stream().flatMap(List::stream).toList();
  }

  private static byte[] golden() throws Exception {
    try (InputStream in = SegmentGoldenTest.class.getResourceAsStream(GOLDEN)) {
      assertThat(in).as("golden file " + GOLDEN + " on the test classpath").isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void writingTodayGivesTheGoldenBytes() throws Exception {
    try (EventLog log = EventLog.open(dir, RecoveryTest.V1)) {
      for (List<Event> batch : goldenBatches()) {
        log.append(batch).get();
      }
    }
    byte[] now = Files.readAllBytes(dir.resolve("00000000000000000001.log"));
    String target = System.getProperty("funnel.golden.write");
    if (target != null) {
      Files.write(Path.of(target), now);
    }
    assertThat(now).isEqualTo(golden());
  }

  @Test
  void readingTheGoldenFileGivesTheEvents() throws Exception {
    Files.write(dir.resolve("00000000000000000001.log"), golden());
    try (EventLog log = EventLog.open(dir, LogConfig.defaults())) {
      assertThat(log.recovery().clean()).isTrue();
      List<LoggedEvent> got = new ArrayList<>();
      log.replay(1, got::add);
      assertThat(got).extracting(LoggedEvent::event).containsExactlyElementsOf(goldenEvents());
      assertThat(got).extracting(LoggedEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }
  }

  /** The golden records under a version-3 header. */
  static byte[] goldenAsVersion3() throws Exception {
    byte[] v3 = golden();
    SegmentFormat.writeHeader(v3, 1, SegmentFormat.VERSION_3);
    return v3;
  }

  @Test
  void theDefaultWriterWritesVersion3TheGoldenRecordsThenOnlyZeros() throws Exception {
    byte[] expected = goldenAsVersion3();
    try (EventLog log = EventLog.open(dir, LogConfig.defaults())) {
      for (List<Event> batch : goldenBatches()) {
        log.append(batch).get();
      }
      // At least half of the look-ahead follows the records (a top-up starts below half, fills it all).
      PreallocationTest.awaitSize(dir.resolve("00000000000000000001.log"), expected.length + LogConfig.DEFAULT_PREALLOCATE_BYTES / 2);
    }
    byte[] now = Files.readAllBytes(dir.resolve("00000000000000000001.log"));
    assertThat((long) now.length - expected.length).isBetween(LogConfig.DEFAULT_PREALLOCATE_BYTES / 2, LogConfig.DEFAULT_PREALLOCATE_BYTES);
    assertThat(Arrays.copyOf(now, expected.length)).isEqualTo(expected);
    assertThat(Arrays.copyOfRange(now, expected.length, now.length)).containsOnly(0);
  }

  @Test
  void readingTheGoldenRecordsAsVersion3WithAZeroTailGivesTheEvents() throws Exception {
    byte[] v3 = goldenAsVersion3();
    Files.write(dir.resolve("00000000000000000001.log"), Arrays.copyOf(v3, v3.length + 5000));
    try (EventLog log = EventLog.open(dir, LogConfig.defaults())) {
      assertThat(log.recovery().clean()).as(log.recovery().summary()).isTrue();
      List<LoggedEvent> got = new ArrayList<>();
      log.replay(1, got::add);
      assertThat(got).extracting(LoggedEvent::event).containsExactlyElementsOf(goldenEvents());
    }
  }

  /** The header and the first record spelled out byte by byte, as docs/formats.md describes them. */
  @Test
  void theFirstBytesAreAsDocumented() throws Exception {
    byte[] g = golden();
    byte[] header = {'F', 'N', 'L', 'G', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
    assertThat(Arrays.copyOf(g, 16)).isEqualTo(header);
    CRC32C crc = new CRC32C();
    crc.update(header);
    assertThat(SegmentFormat.getInt(g, 16)).isEqualTo((int) crc.getValue());
    // Event.of("u", "i", "t", 1) with sequence 1: sequence 1, flags 0, zig-zag(1) = 2, three 1-byte strings.
    byte[] payload = {1, 0, 2, 1, 'u', 1, 'i', 1, 't'};
    assertThat(SegmentFormat.getInt(g, 20)).isEqualTo(payload.length);
    crc.reset();
    crc.update(payload);
    assertThat(SegmentFormat.getInt(g, 24)).isEqualTo((int) crc.getValue());
    assertThat(Arrays.copyOfRange(g, 28, 28 + payload.length)).isEqualTo(payload);
  }
}
