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
 */
public record LogConfig(long segmentBytes, long maxAgeMillis, long maxTotalBytes) {
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
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
  }

  /** 64 MiB segments, kept forever. */
  public static LogConfig defaults() {
    return new LogConfig(DEFAULT_SEGMENT_BYTES, 0, 0);
  }

  public LogConfig withSegmentBytes(long bytes) {
    return new LogConfig(bytes, maxAgeMillis, maxTotalBytes);
  }

  public LogConfig withMaxAgeMillis(long millis) {
    return new LogConfig(segmentBytes, millis, maxTotalBytes);
  }

  public LogConfig withMaxTotalBytes(long bytes) {
    return new LogConfig(segmentBytes, maxAgeMillis, bytes);
  }
}
