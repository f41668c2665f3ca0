package dev.funnel.store.log;

/**
 * Counters since the log was opened, for metrics and benchmarks.
 *
 * @param groupCommits write+fsync rounds; {@code appends / groupCommits} is the mean group size
 * @param appends {@link EventLog#append} batches made durable
 * @param events events made durable
 * @param bytes record bytes written
 * @param fsyncNanos total time spent in {@code FileChannel.force}
 * @param maxFsyncNanos the slowest single force (of records; zeros written ahead are not timed here)
 * @param preallocations steps of zeros written and synced ahead of the records ({@link LogConfig#preallocateBytes})
 */
public record LogStats(long groupCommits, long appends, long events, long bytes, long fsyncNanos, long maxFsyncNanos, long preallocations) {}
