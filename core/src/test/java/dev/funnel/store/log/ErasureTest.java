package dev.funnel.store.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.store.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Right to erasure in the log: the erasure list, the replay filter, compaction, and crashes between their steps. */
class ErasureTest {
  @TempDir Path tmp;

  static final LogConfig SMALL = LogConfig.defaults().withSegmentBytes(4096);

  /** Events of users alice, bob, carol round-robin; alice's items are "secret-N" so their bytes are easy to look for. */
  static List<Event> mixed(int n, String tag) {
    List<Event> out = new ArrayList<>();
    String[] users = {"alice", "bob", "carol"};
    for (int i = 0; i < n; i++) {
      String u = users[i % 3];
      String item = u.equals("alice") ? "secret-" + tag + i : "item-" + tag + i;
      out.add(new Event(tag + i, u, item, "click", 1_700_000_000_000L + i, Float.NaN, null, Map.of()));
    }
    return out;
  }

  static List<LoggedEvent> replay(EventLog log) {
    List<LoggedEvent> out = new ArrayList<>();
    log.replay(1, out::add);
    return out;
  }

  /** Whether any file under {@code dir} (segments, erasure list, temporary files) contains {@code text}'s UTF-8 bytes. */
  static boolean bytesContain(Path dir, String text) throws Exception {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] all = Files.readAllBytes(f);
        outer:
        for (int i = 0; i + needle.length <= all.length; i++) {
          for (int k = 0; k < needle.length; k++) {
            if (all[i + k] != needle[k]) {
              continue outer;
            }
          }
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void eraseFiltersReplayAtOnceAndCompactionRemovesTheBytes() throws Exception {
    Path dir = tmp.resolve("log");
    List<Event> before = mixed(300, "a");
    try (EventLog log = EventLog.open(dir, SMALL)) {
      log.append(before).get();
      assertThat(bytesContain(dir, "secret-a0")).isTrue();
      long through = log.erase("alice");
      assertThat(through).isEqualTo(300);
      assertThat(log.pendingErasures()).containsEntry("alice", 300L);
      // Replay filters before any compaction.
      assertThat(replay(log)).extracting(le -> le.event().user()).doesNotContain("alice").hasSize(200);
      // New events of the user after the erasure are new data.
      Event later = new Event("later", "alice", "fresh", "click", 5, Float.NaN, null, Map.of());
      assertThat(log.append(List.of(later)).get()).isEqualTo(301L);

      List<LoggedEvent> erased = new ArrayList<>();
      EventLog.CompactionReport report = log.compact(erased::add);
      assertThat(report.eventsErased()).isEqualTo(100);
      assertThat(erased).extracting(LoggedEvent::sequence).isSorted().hasSize(100);
      assertThat(erased).extracting(le -> le.event().user()).containsOnly("alice");
      assertThat(report.completed()).containsEntry("alice", 300L);
      assertThat(report.segmentsRewritten()).isPositive();
      assertThat(log.pendingErasures()).isEmpty();
      assertThat(bytesContain(dir, "secret-a")).as("no erased item id left on disk").isFalse();
      assertThat(bytesContain(dir, "alice")).as("only the later event names alice").isTrue();

      List<LoggedEvent> rest = replay(log);
      assertThat(rest).hasSize(201);
      assertThat(rest.get(rest.size() - 1).event()).isEqualTo(later);
      assertThat(rest.subList(0, 200)).extracting(LoggedEvent::event)
          .containsExactlyElementsOf(before.stream().filter(e -> !e.user().equals("alice")).toList());
      // Sequences of kept events are unchanged.
      for (LoggedEvent le : rest.subList(0, 200)) {
        assertThat(before.get((int) le.sequence() - 1)).isEqualTo(le.event());
      }
      assertThat(log.compact(e -> {}).eventsErased()).as("nothing left to do").isZero();
    }
    try (EventLog log = EventLog.open(dir, SMALL)) {
      assertThat(log.recovery().clean()).isTrue();
      assertThat(log.lastSequence()).isEqualTo(301);
      assertThat(replay(log)).hasSize(201);
      assertThat(log.append(mixed(3, "b")).get()).isEqualTo(304L);
    }
  }

  @Test
  void theErasureIsDurableBeforeCompactionAndSurvivesAReopen() throws Exception {
    Path dir = tmp.resolve("log");
    try (EventLog log = EventLog.open(dir, SMALL)) {
      log.append(mixed(90, "a")).get();
      log.erase("alice");
    } // closed without compaction: as after a crash right after the erase
    try (EventLog log = EventLog.open(dir, SMALL)) {
      assertThat(log.pendingErasures()).containsEntry("alice", 90L);
      assertThat(replay(log)).hasSize(60).extracting(le -> le.event().user()).doesNotContain("alice");
      assertThat(bytesContain(dir, "secret-a3")).isTrue();
      assertThat(log.compact(e -> {}).eventsErased()).isEqualTo(30);
      assertThat(bytesContain(dir, "secret-a")).isFalse();
      assertThat(bytesContain(dir, "alice")).as("the erasure list dropped the completed entry").isFalse();
    }
  }

  @Test
  void aCompactedSegmentIsVersionTwoWithPlaceholders() throws Exception {
    Path dir = tmp.resolve("log");
    try (EventLog log = EventLog.open(dir, SMALL)) {
      log.append(List.of(Event.of("u", "i", "t", 1), Event.of("v", "j", "t", 2))).get();
      log.erase("u");
      log.compact(e -> {});
    }
    byte[] file = Files.readAllBytes(dir.resolve(SegmentFormat.fileName(1)));
    // Hand-built expectation: header version 2, placeholder record 1 (payload 01 10), record 2 unchanged.
    byte[] header = new byte[SegmentFormat.HEADER_BYTES];
    SegmentFormat.writeHeader(header, 1, 2);
    assertThat(header[7]).isEqualTo((byte) 2);
    byte[] placeholder = {1, 0x10};
    byte[] second = {2, 0, 4, 1, 'v', 1, 'j', 1, 't'};
    byte[] expected = concat(header, frame(placeholder), frame(second));
    assertThat(file).isEqualTo(expected);
    // A placeholder in a version-1 segment is damage, not an erasure.
    byte[] v1 = file.clone();
    SegmentFormat.writeHeader(v1, 1, 1);
    Path other = Files.createDirectories(tmp.resolve("v1"));
    Files.write(other.resolve(SegmentFormat.fileName(1)), v1);
    try (EventLog log = EventLog.open(other, SMALL)) {
      assertThatThrownBy(() -> replay(log)).isInstanceOf(LogFormatException.class).hasMessageContaining("unknown flags 0x10");
    }
  }

  static byte[] frame(byte[] payload) {
    byte[] out = new byte[8 + payload.length];
    CRC32C crc = new CRC32C();
    crc.update(payload);
    SegmentFormat.putInt(out, 0, payload.length);
    SegmentFormat.putInt(out, 4, (int) crc.getValue());
    System.arraycopy(payload, 0, out, 8, payload.length);
    return out;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }

  /**
   * Simulated crashes between compaction's steps, built from copies of the directory: (1) a temporary
   * file written but not renamed, (2) some segments renamed, the erasure list not yet rewritten, (3)
   * all renamed, list not rewritten. Each time: nothing else lost, alice never back, and a new
   * compaction finishes the job.
   */
  @Test
  void aCrashBetweenCompactionStepsLosesNothingAndNeverResurrects() throws Exception {
    Path original = tmp.resolve("original");
    List<Event> events = mixed(600, "a");
    try (EventLog log = EventLog.open(original, SMALL)) {
      log.append(events).get();
      log.erase("alice");
    }
    Path compacted = copy(original, tmp.resolve("compacted"));
    try (EventLog log = EventLog.open(compacted, SMALL)) {
      assertThat(log.compact(e -> {}).segmentsRewritten()).isGreaterThan(2);
    }
    List<Path> segs = EventLogTest.segmentFiles(original);
    assertThat(segs.size()).isGreaterThan(3);

    // (1) a half-written temporary file next to an intact segment.
    Path c1 = copy(original, tmp.resolve("c1"));
    Files.write(c1.resolve(segs.get(0).getFileName() + EventLog.COMPACTING_SUFFIX), new byte[] {1, 2, 3});
    // (2) the first two segments replaced, the erasure list still the old one.
    Path c2 = copy(original, tmp.resolve("c2"));
    for (Path s : segs.subList(0, 2)) {
      Files.copy(compacted.resolve(s.getFileName()), c2.resolve(s.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
    // (3) every segment replaced, the erasure list still the old one.
    Path c3 = copy(compacted, tmp.resolve("c3"));
    Files.copy(original.resolve(ErasureList.FILE), c3.resolve(ErasureList.FILE), StandardCopyOption.REPLACE_EXISTING);

    List<Event> others = events.stream().filter(e -> !e.user().equals("alice")).toList();
    for (Path d : List.of(c1, c2, c3)) {
      try (EventLog log = EventLog.open(d, SMALL)) {
        assertThat(log.recovery().clean()).as("%s", d).isTrue();
        assertThat(replay(log)).as("%s", d).extracting(LoggedEvent::event).containsExactlyElementsOf(others);
        log.compact(e -> {});
        assertThat(bytesContain(d, "secret-a")).as("%s", d).isFalse();
        assertThat(bytesContain(d, "alice")).as("%s", d).isFalse();
        assertThat(replay(log)).as("%s", d).extracting(LoggedEvent::event).containsExactlyElementsOf(others);
      }
      try (Stream<Path> files = Files.list(d)) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(EventLog.COMPACTING_SUFFIX));
      }
    }
  }

  @Test
  void aTornLastErasureRecordIsCutAndDamageBeforeItIsRefused() throws Exception {
    Path dir = tmp.resolve("log");
    try (EventLog log = EventLog.open(dir, SMALL)) {
      log.append(mixed(30, "a")).get();
      log.erase("alice");
      log.erase("bob");
    }
    Path list = dir.resolve(ErasureList.FILE);
    byte[] whole = Files.readAllBytes(list);
    // Torn: half of bob's record (a crash during the second erase, never confirmed).
    Files.write(list, java.util.Arrays.copyOf(whole, whole.length - 4));
    try (EventLog log = EventLog.open(dir, SMALL)) {
      assertThat(log.pendingErasures()).containsOnlyKeys("alice");
      assertThat(replay(log)).hasSize(20);
    }
    // A flipped byte inside alice's record, with a later record after it: refused, naming the file.
    try (EventLog log = EventLog.open(dir, SMALL)) {
      log.erase("carol");
    }
    byte[] two = Files.readAllBytes(list);
    two[ErasureList.HEADER_BYTES + 9] ^= 1;
    Files.write(list, two);
    assertThatThrownBy(() -> EventLog.open(dir, SMALL)).isInstanceOf(LogFormatException.class).hasMessageContaining(list.toString())
        .hasMessageContaining("refusing to drop confirmed erasures");
  }

  @Test
  void retentionAndCompactionTogetherKeepTheLogGapFree() throws Exception {
    Path dir = tmp.resolve("log");
    try (EventLog log = EventLog.open(dir, SMALL.withMaxTotalBytes(20_000))) {
      log.append(mixed(600, "a")).get();
      log.erase("bob");
      log.compact(e -> {});
      log.applyRetention(java.time.Instant.now());
      List<LoggedEvent> rest = replay(log);
      Set<String> users = new HashSet<>();
      rest.forEach(le -> users.add(le.event().user()));
      assertThat(users).containsExactlyInAnyOrder("alice", "carol");
      assertThat(rest.get(rest.size() - 1).sequence()).isEqualTo(600);
    }
    try (EventLog log = EventLog.open(dir, SMALL)) {
      assertThat(log.recovery().clean()).isTrue();
    }
  }

  static Path copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }
}
