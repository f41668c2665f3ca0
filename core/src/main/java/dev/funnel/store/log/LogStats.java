package dev.funnel.store.log;

/**
 * Counters since the log was opened, for metrics and benchmarks.
 *
 * @param groupCommits write+fsync rounds; {@code appends / groupCommits} is the mean group size
 * @param appends {@link EventLog#append} batches made durable
 * @param events events made durable
 * @param bytes record bytes written
 * @param fsyncNanos total time spent in {@code FileChannel.force}
 * @param maxFsyncNanos the slowest single force
 */
public record LogStats(long groupCommits, long appends, long events, long bytes, long fsyncNanos, long maxFsyncNanos) {}
