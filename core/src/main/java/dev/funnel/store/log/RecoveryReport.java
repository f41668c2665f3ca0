package dev.funnel.store.log;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link EventLog#open} found and repaired.
 *
 * @param segments segment files the log holds after recovery
 * @param records intact records in them
 * @param firstSequence sequence of the oldest retained event (older ones were deleted by retention)
 * @param lastSequence sequence of the newest intact event ({@code firstSequence - 1} when there is none)
 * @param truncations every cut recovery made, in file order; empty for a clean shutdown
 * @param quarantined segment files after damage in an older segment, moved (not deleted) to
 *     {@code damaged/} so the log stays gap-free
 * @param millis time recovery took
 */
public record RecoveryReport(int segments, long records, long firstSequence, long lastSequence, List<Truncation> truncations,
    List<Path> quarantined, long millis) {
  public RecoveryReport {
    truncations = List.copyOf(truncations);
    quarantined = List.copyOf(quarantined);
  }

  /**
   * One cut: the file was truncated to {@code offset}, dropping {@code droppedBytes} bytes, which
   * were first copied to {@code savedTo} (null when nothing was dropped).
   *
   * @param tail true when the damage was in the newest segment: taken for a write the crash tore
   *     (never acknowledged, because acknowledgment waits for fsync; a power loss may drop the
   *     unsynced tail pages in any order, so the cut need not be at the very end). False means damage inside an
   *     older, already synced segment: the disk lost data, which needs an operator's attention.
   */
  public record Truncation(Path file, long offset, String reason, long droppedBytes, Path savedTo, boolean tail) {
    @Override
    public String toString() {
      return (tail ? "torn tail" : "DAMAGE in an older segment") + ": " + file + " truncated at byte " + offset + " (" + reason + "), "
          + droppedBytes + " bytes dropped" + (savedTo == null ? "" : ", copied to " + savedTo);
    }
  }

  /** True when recovery cut nothing. */
  public boolean clean() {
    return truncations.isEmpty() && quarantined.isEmpty();
  }

  /** One line for the start-up log, followed by a line per cut. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append("event log: ").append(segments).append(segments == 1 ? " segment, " : " segments, ").append(records).append(" records, sequences ")
        .append(firstSequence).append("..").append(lastSequence).append(", recovered in ").append(millis).append(" ms");
    for (Truncation t : truncations) {
      s.append(System.lineSeparator()).append("  ").append(t);
    }
    for (Path q : quarantined) {
      s.append(System.lineSeparator()).append("  quarantined ").append(q);
    }
    return s.toString();
  }
}
