package dev.funnel.store.log;

/**
 * Event log settings.
 *
 * @param segmentBytes a segment is rolled (closed, a new one started) before it would grow past
 *     this many bytes; a single larger record still gets a segment of its own
 * @param maxAgeMillis retention by age: {@link EventLog#applyRetention} deletes whole closed segments
 *     last written more than this many milliseconds ago; 0 keeps segments regardless of age
 * @param maxTotalBytes retention by size: the oldest closed segments are deleted while all segments
 *     together exceed this many bytes; 0 means no size limit
 * @param preallocateBytes while it has nothing to commit, the writer keeps up to this many zero bytes
 *     written and synced ahead of the records in the active segment (segment format version 3), in
 *     steps of at most {@link #PREALLOCATE_STEP}; 0 writes version-1 segments that grow with each
 *     commit. Why: on ext4 and XFS an fdatasync that also grows the file must commit the new size
 *     through the filesystem journal, the reason databases preallocate their logs (PostgreSQL's
 *     zero-filled WAL segments, Kafka's {@code preallocate}). Measured here (docs/benchmarks.md,
 *     session 15): single-event commits at 1,000/s have a lower median (by 4-27 %, in every pair); their p99 on a shared
 *     VM is set by other stalls and did not improve reliably
 */
public record LogConfig(long segmentBytes, long maxAgeMillis, long maxTotalBytes, long preallocateBytes) {
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
  public static final long DEFAULT_PREALLOCATE_BYTES = 1L << 20;
  public static final long MAX_PREALLOCATE_BYTES = 1L << 30;
  /** The most zero bytes written (and synced) in one go, so a commit arriving meanwhile waits at most about one such write. */
  public static final int PREALLOCATE_STEP = 256 << 10;
  /** Small enough for tests that want several segments, large enough for a header and a few records. */
  public static final long MIN_SEGMENT_BYTES = 256;

  public LogConfig {
    if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > (1L << 40)) {
      throw new IllegalArgumentException("segmentBytes must be between " + MIN_SEGMENT_BYTES + " and 2^40; segmentBytes=" + segmentBytes);
    }
    if (maxAgeMillis < 0) {
      throw new IllegalArgumentException("maxAgeMillis must be >= 0 (0 = no age limit); maxAgeMillis=" + maxAgeMillis);
    }
    if (maxTotalBytes < 0) {
      throw new IllegalArgumentException("maxTotalBytes must be >= 0 (0 = no size limit); maxTotalBytes=" + maxTotalBytes);
    }
    if (preallocateBytes < 0 || preallocateBytes > MAX_PREALLOCATE_BYTES) {
      throw new IllegalArgumentException("preallocateBytes must be between 0 (off) and 2^30; preallocateBytes=" + preallocateBytes);
    }
  }

  /** 64 MiB segments, kept forever, 1 MiB preallocated ahead. */
  public static LogConfig defaults() {
    return new LogConfig(DEFAULT_SEGMENT_BYTES, 0, 0, DEFAULT_PREALLOCATE_BYTES);
  }

  public LogConfig withSegmentBytes(long bytes) {
    return new LogConfig(bytes, maxAgeMillis, maxTotalBytes, preallocateBytes);
  }

  public LogConfig withMaxAgeMillis(long millis) {
    return new LogConfig(segmentBytes, millis, maxTotalBytes, preallocateBytes);
  }

  public LogConfig withMaxTotalBytes(long bytes) {
    return new LogConfig(segmentBytes, maxAgeMillis, bytes, preallocateBytes);
  }

  public LogConfig withPreallocateBytes(long bytes) {
    return new LogConfig(segmentBytes, maxAgeMillis, maxTotalBytes, bytes);
  }
}
