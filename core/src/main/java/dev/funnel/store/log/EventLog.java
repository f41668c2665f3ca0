package dev.funnel.store.log;

import dev.funnel.store.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The embedded, durable event log: append-only segment files in one directory, every record
 * length-prefixed and CRC32C-checked (layout in {@code docs/formats.md}, "Event log segment,
 * format version 1").
 *
 * <p><b>Durability.</b> {@link #append} returns a future that completes with the batch's last
 * sequence number only after its records are written and {@code FileChannel.force}d. A crash
 * (even {@code kill -9} or power loss, given a disk that honours fsync) therefore never loses an
 * acknowledged event; whatever the crash tore is unacknowledged and {@link #open} truncates it.
 *
 * <p><b>Group commit.</b> Appenders only enqueue. One writer thread takes every batch queued so far,
 * encodes them into one reusable buffer, writes it with one call (per MiB) and forces once, then
 * completes all their futures. While it forces, new batches queue up and share the next force, so
 * the number of fsyncs per second stays at what the disk allows while throughput grows with
 * concurrency (the classic group commit of database logs; cf. Helland et al., "Group Commit
 * Timers and High-Volume Transaction Systems", HPTS 1987). Futures complete on the writer thread:
 * dependants attached with the non-async {@code CompletableFuture} methods run there and delay the
 * next commit, so keep them short or hand off (e.g. Vert.x {@code Future.fromCompletionStage(f, context)}).
 *
 * <p>If a write or force fails, the batches of that group fail and the log refuses further
 * appends (after a failed fsync the page cache state is unknown); their records may or may not
 * appear after a restart, so clients retry with an idempotency id.
 *
 * <p>Thread-safe. One {@code EventLog} per directory (the data directory's lock file guards against
 * a second process).
 */
public final class EventLog implements AutoCloseable {
  /** Encoded bytes after which the writer hands the buffer to the OS mid-group. */
  private static final int WRITE_CHUNK = 1 << 20;
  /** Suffix of compaction's temporary files, {@code NAME.log.compacting}; deleted at open. */
  static final String COMPACTING_SUFFIX = ".compacting";

  private final Path dir;
  private final LogConfig config;
  private final RecoveryReport recovery;
  private final ErasureList erasures;
  /** Serialises compaction and retention, the two operations that replace or delete segment files. */
  private final Object maintenance = new Object();

  /** Segments oldest first; the last one is the active segment. Guarded by itself. */
  private final List<Segment> segments;

  private final Object queueLock = new Object();
  private ArrayList<PendingAppend> pending = new ArrayList<>();
  private ArrayList<PendingAppend> spare = new ArrayList<>();
  private boolean closed;
  private boolean writerWaiting;
  private volatile Throwable failure;
  private volatile long lastSequence;

  // Writer thread state.
  private final Thread writer;
  private FileChannel active;
  /** Bytes of header and records in the active segment: where the next record goes. */
  private long activeSize;
  /** The active segment's file size: past {@code activeSize} it holds only zeros (format version 3's preallocated tail). */
  private long allocatedEnd;
  /** The active segment's format version: zeros are written ahead only into a version-3 segment. */
  private int activeVersion;
  /** Between the start and the end of a top-up of zeros ({@link #preallocationDue}). */
  private boolean toppingUp;
  private long nextSequence;
  private byte[] buf = new byte[WRITE_CHUNK + (64 << 10)];
  private final CRC32C crc = new CRC32C();
  private final byte[] header = new byte[SegmentFormat.HEADER_BYTES];

  // Stats, written by the writer thread only.
  private volatile long groupCommits;
  private volatile long appends;
  private volatile long events;
  private volatile long bytes;
  private volatile long fsyncNanos;
  private volatile long maxFsyncNanos;
  private volatile long preallocations;
  /** Set when writing zeros ahead failed; the writer then stops preallocating. */
  private volatile Throwable preallocationFailed;
  private static final byte[] ZEROS = new byte[64 << 10];

  /** Upper bounds (ns) of the fsync histogram's buckets; see {@link #fsyncBucketBoundsNanos}. */
  private static final long[] FSYNC_BUCKET_NANOS = {50_000L, 100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L,
      25_000_000L, 50_000_000L, 100_000_000L, 250_000_000L, 1_000_000_000L};
  /** Fsyncs per bucket of {@link #FSYNC_BUCKET_NANOS} (non-cumulative), the last slot over the top bound; writer thread increments. */
  private final AtomicLongArray fsyncCounts = new AtomicLongArray(FSYNC_BUCKET_NANOS.length + 1);

  private record Segment(long firstSequence, Path file) {}

  private static final class PendingAppend {
    final List<Event> events;
    /** A barrier: no events; the writer closes the active segment (if it holds records) at this point. */
    final boolean roll;
    final CompletableFuture<Long> future = new CompletableFuture<>();
    long lastSequence;

    PendingAppend(List<Event> events, boolean roll) {
      this.events = events;
      this.roll = roll;
    }
  }

  private EventLog(Path dir, LogConfig config, List<Segment> segments, RecoveryReport recovery, FileChannel active, long activeSize,
      long allocatedEnd, int activeVersion, ErasureList erasures) {
    this.dir = dir;
    this.config = config;
    this.segments = segments;
    this.recovery = recovery;
    this.erasures = erasures;
    this.active = active;
    this.activeSize = activeSize;
    this.allocatedEnd = allocatedEnd;
    this.activeVersion = activeVersion;
    this.lastSequence = recovery.lastSequence();
    this.nextSequence = recovery.lastSequence() + 1;
    this.writer = new Thread(this::runWriter, "funnel-event-log-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Opens the log in {@code dir}, creating the directory and a first segment when missing, and
   * recovers: every segment is scanned (length, CRC32C, sequence of each record), a torn or
   * corrupt tail is truncated, damage inside an older segment truncates there and moves the later
   * segments to {@code damaged/}; dropped bytes are copied to {@code damaged/} first. See
   * {@link #recovery()} for what was found.
   *
   * @throws LogFormatException when a segment is not this build's format (wrong magic, unknown
   *     version, bad header): nothing is changed then
   */
  public static EventLog open(Path dir, LogConfig config) {
    Objects.requireNonNull(config, "config");
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(dir);
      deleteCompactionLeftovers(dir);
      List<Segment> found = listSegments(dir);
      List<RecoveryReport.Truncation> truncations = new ArrayList<>();
      List<Path> quarantined = new ArrayList<>();
      int newVersion = segmentVersion(config);
      if (found.isEmpty()) {
        found.add(createSegment(dir, 1, new byte[SegmentFormat.HEADER_BYTES], newVersion));
      }
      // Check every header before changing anything: a foreign or newer file stops the open untouched.
      for (int i = 0; i < found.size(); i++) {
        Segment s = found.get(i);
        long size = Files.size(s.file());
        boolean tail = i == found.size() - 1;
        if (size >= SegmentFormat.HEADER_BYTES || !tail) {
          new SegmentReader(s.file(), s.firstSequence()).close();
        }
      }
      long records = 0;
      long expected = found.get(0).firstSequence();
      List<Segment> kept = new ArrayList<>();
      long lastEnd = SegmentFormat.HEADER_BYTES; // the last kept segment's end of records, and its format version
      int lastVersion = newVersion;
      for (int i = 0; i < found.size(); i++) {
        Segment s = found.get(i);
        boolean tail = i == found.size() - 1;
        if (s.firstSequence() != expected) {
          // A missing segment in the middle: keep what is before the gap, set the rest aside.
          truncations.add(new RecoveryReport.Truncation(s.file(), 0,
              "gap: segment starts at sequence " + s.firstSequence() + " but " + expected + " was expected next", 0, null, false));
          quarantine(dir, found.subList(i, found.size()), quarantined);
          break;
        }
        long size = Files.size(s.file());
        if (size < SegmentFormat.HEADER_BYTES) {
          // Only the tail gets here (checked above): a crash while the segment was being created.
          Path saved = size == 0 ? null : saveBytes(dir, s.file(), 0, size);
          truncations.add(new RecoveryReport.Truncation(s.file(), 0,
              size == 0 ? "empty segment without header (crash while creating it); header rewritten"
                  : "torn header: " + size + " of " + SegmentFormat.HEADER_BYTES + " bytes; header rewritten", size, saved, true));
          try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.WRITE)) {
            byte[] h = new byte[SegmentFormat.HEADER_BYTES];
            SegmentFormat.writeHeader(h, s.firstSequence(), newVersion);
            ch.truncate(0);
            writeFully(ch, h, 0, h.length);
            ch.force(false);
          }
          kept.add(s);
          lastEnd = SegmentFormat.HEADER_BYTES;
          lastVersion = newVersion;
          break;
        }
        long good;
        String damage;
        long next;
        try (SegmentReader r = new SegmentReader(s.file(), s.firstSequence())) {
          while (r.next()) {
            records++;
          }
          good = r.recordOffset(); // the end of the file, a zero tail's start, or the damage
          damage = r.damage();
          next = r.nextSequence();
          lastVersion = r.version();
        }
        kept.add(s);
        lastEnd = good;
        expected = next;
        if (damage != null) {
          long dropped = size - good;
          Path saved = saveBytes(dir, s.file(), good, dropped);
          try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.WRITE)) {
            ch.truncate(good);
            ch.force(false);
          }
          truncations.add(new RecoveryReport.Truncation(s.file(), good, damage, dropped, saved, tail));
          if (!tail) {
            quarantine(dir, found.subList(i + 1, found.size()), quarantined);
          }
          break;
        }
      }
      if (!quarantined.isEmpty() || !truncations.isEmpty()) {
        forceDirectory(dir);
      }
      Segment last = kept.get(kept.size() - 1);
      FileChannel ch = FileChannel.open(last.file(), StandardOpenOption.WRITE);
      long allocatedEnd = ch.size(); // past lastEnd only zeros: a version-3 segment's preallocated tail
      ch.position(lastEnd);
      RecoveryReport report = new RecoveryReport(kept.size(), records, kept.get(0).firstSequence(), expected - 1, truncations, quarantined,
          (System.nanoTime() - t0) / 1_000_000);
      ErasureList erasures;
      try {
        erasures = ErasureList.open(dir);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      return new EventLog(dir, config, new ArrayList<>(kept), report, ch, lastEnd, allocatedEnd, lastVersion, erasures);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the event log in " + dir, e);
    }
  }

  private static List<Segment> listSegments(Path dir) throws IOException {
    List<Segment> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> {
        long first = SegmentFormat.parseFileName(f);
        if (first >= 1 && Files.isRegularFile(f)) {
          out.add(new Segment(first, f));
        }
      });
    }
    out.sort((a, b) -> Long.compare(a.firstSequence(), b.firstSequence()));
    return out;
  }

  /** Copies {@code length} bytes at {@code offset} of {@code file} to {@code damaged/NAME.OFFSET.dropped}. */
  private static Path saveBytes(Path dir, Path file, long offset, long length) throws IOException {
    if (length == 0) {
      return null;
    }
    Path damaged = Files.createDirectories(dir.resolve("damaged"));
    Path target = damaged.resolve(file.getFileName() + "." + offset + "." + System.currentTimeMillis() + ".dropped");
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long done = 0;
      while (done < length) {
        done += in.transferTo(offset + done, length - done, out);
      }
      out.force(true);
    }
    forceDirectory(damaged);
    return target;
  }

  private static void quarantine(Path dir, List<Segment> later, List<Path> quarantined) throws IOException {
    if (later.isEmpty()) {
      return;
    }
    Path damaged = Files.createDirectories(dir.resolve("damaged"));
    for (Segment s : later) {
      Path target = damaged.resolve(s.file().getFileName() + "." + System.currentTimeMillis());
      Files.move(s.file(), target, StandardCopyOption.ATOMIC_MOVE);
      quarantined.add(target);
    }
    forceDirectory(damaged);
  }

  /** The version of new segments: 3 (a zero tail allowed) when the writer preallocates, else 1 (readable by the oldest builds). */
  private static int segmentVersion(LogConfig config) {
    return config.preallocateBytes() > 0 ? SegmentFormat.VERSION_3 : SegmentFormat.VERSION_1;
  }

  /** Creates a segment with its header, synced with its directory entry. */
  private static Segment createSegment(Path dir, long firstSequence, byte[] header, int version) throws IOException {
    Path file = dir.resolve(SegmentFormat.fileName(firstSequence));
    SegmentFormat.writeHeader(header, firstSequence, version);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      writeFully(ch, header, 0, header.length);
      ch.force(false);
    }
    forceDirectory(dir);
    return new Segment(firstSequence, file);
  }

  /** Temporary files of a compaction that crashed before its rename: the segment they would replace is whole. */
  private static void deleteCompactionLeftovers(Path dir) throws IOException {
    List<Path> leftovers = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> f.getFileName().toString().endsWith(COMPACTING_SUFFIX)).forEach(leftovers::add);
    }
    for (Path f : leftovers) {
      Files.delete(f);
    }
    if (!leftovers.isEmpty()) {
      forceDirectory(dir);
    }
  }

  /** Makes a new or removed directory entry durable (on Linux, fsync of the directory). */
  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").startsWith("Windows")) { // Windows cannot open a directory; NTFS journals entries
        throw e;
      }
    }
  }

  private static void writeFully(FileChannel ch, byte[] b, int off, int len) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(b, off, len);
    while (bb.hasRemaining()) {
      ch.write(bb);
    }
  }

  /**
   * Appends the events in order; they get consecutive sequence numbers. The future completes with
   * the last one once all are durable (written and fsync'd), or exceptionally when the write
   * failed. An empty list completes at once with {@link #lastSequence()}.
   *
   * @throws IllegalStateException when the log is closed or a previous write failed
   * @throws IllegalArgumentException when an event is null or too large to log (over 64 MiB encoded)
   */
  public CompletableFuture<Long> append(List<Event> events) {
    List<Event> batch = List.copyOf(events); // rejects nulls; callers may reuse their list
    for (Event e : batch) {
      if (EventCodec.maxEncodedSize(e) > SegmentFormat.MAX_PAYLOAD) {
        throw new IllegalArgumentException("event too large to log (limit " + SegmentFormat.MAX_PAYLOAD + " bytes encoded); user=" + e.user()
            + ", item=" + e.item());
      }
    }
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(lastSequence);
    }
    return enqueue(new PendingAppend(batch, false));
  }

  private CompletableFuture<Long> enqueue(PendingAppend p) {
    synchronized (queueLock) {
      Throwable f = failure;
      if (f != null) {
        throw new IllegalStateException("event log in " + dir + " refuses appends after a failed write: " + f, f);
      }
      if (closed) {
        throw new IllegalStateException("event log is closed: " + dir);
      }
      pending.add(p);
      if (writerWaiting) {
        queueLock.notify();
      }
    }
    return p.future;
  }

  /**
   * Erases {@code user}'s events: waits until every append queued before the call is durable, closes
   * the active segment (so every erased event is in a closed segment, which compaction may rewrite),
   * and records durably (fsync) that the user's events through the last durable sequence are erased.
   * From then on {@link #replay} never sends them; {@link #compact} removes their bytes. Events of the
   * user appended after this call are new data and are kept.
   *
   * @return the sequence through which the user's events are erased
   * @throws IllegalStateException when the log is closed or failed
   */
  public long erase(String user) {
    Objects.requireNonNull(user, "user");
    long through;
    try {
      through = enqueue(new PendingAppend(List.of(), true)).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw new IllegalStateException("cannot erase user '" + user + "': the event log failed: " + e.getCause(), e.getCause());
    }
    erasures.add(user, through);
    return through;
  }

  /** Pending erasures (recorded, not yet fully compacted): user -> sequence through which their events are erased. */
  public Map<String, Long> pendingErasures() {
    return erasures.snapshot();
  }

  /** What compaction did: segments rewritten, events replaced by placeholders, and the erasures now complete. */
  public record CompactionReport(int segmentsRewritten, long eventsErased, long bytesBefore, long bytesAfter, Map<String, Long> completed) {
    public static final CompactionReport NONE = new CompactionReport(0, 0, 0, 0, Map.of());
  }

  /**
   * Removes the bytes of the pending erasures' events from disk: every closed segment holding such an
   * event is rewritten with an erasure placeholder (sequence only, format version 2) in its place, the
   * other records copied unchanged, into a temporary file that is fsync'd and atomically renamed over
   * the segment, then the directory is fsync'd. Afterwards the completed erasures are dropped from the
   * erasure list. A crash at any step loses nothing else: the old segment stays until the rename, the
   * erasure list until every segment is done (replay keeps filtering meanwhile), and a leftover
   * temporary file is deleted at the next open; compaction then simply runs again.
   *
   * <p>Runs on the caller's thread, alongside appends and replays (a replay that opened a segment
   * before its rename keeps reading the old file, and filters by the erasure list it saw at its start).
   *
   * @param erased receives every event replaced by a placeholder (e.g. to take it out of counters), in
   *     sequence order
   */
  public CompactionReport compact(Consumer<LoggedEvent> erased) {
    synchronized (maintenance) {
      Map<String, Long> todo = erasures.snapshot();
      if (todo.isEmpty()) {
        return CompactionReport.NONE;
      }
      long maxThrough = 0;
      for (long t : todo.values()) {
        maxThrough = Math.max(maxThrough, t);
      }
      List<Segment> snapshot;
      synchronized (segments) {
        snapshot = new ArrayList<>(segments);
      }
      if (snapshot.get(snapshot.size() - 1).firstSequence() <= maxThrough) {
        // Only after a crash between a barrier and its erasure record could the active segment hold erased events.
        enqueue(new PendingAppend(List.of(), true)).join();
        synchronized (segments) {
          snapshot = new ArrayList<>(segments);
        }
      }
      int rewritten = 0;
      long events = 0;
      long before = 0;
      long after = 0;
      try {
        for (int i = 0; i < snapshot.size() - 1; i++) {
          Segment s = snapshot.get(i);
          if (s.firstSequence() > maxThrough) {
            break;
          }
          long[] result = rewrite(s, todo, erased);
          if (result != null) {
            rewritten++;
            events += result[0];
            before += result[1];
            after += result[2];
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("event log compaction failed in " + dir, e);
      }
      erasures.removeApplied(todo);
      return new CompactionReport(rewritten, events, before, after, todo);
    }
  }

  /** Rewrites one closed segment without the erased events; null when it holds none. Returns {events, bytes before, bytes after}. */
  private long[] rewrite(Segment s, Map<String, Long> todo, Consumer<LoggedEvent> erased) throws IOException {
    Path tmp = dir.resolve(s.file().getFileName() + COMPACTING_SUFFIX);
    SegmentReader r;
    try {
      r = new SegmentReader(s.file(), s.firstSequence());
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof NoSuchFileException) {
        return null;
      }
      throw e;
    }
    byte[] out = new byte[WRITE_CHUNK + (64 << 10)];
    long count = 0;
    long written;
    CRC32C sum = new CRC32C();
    try (r; FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      // The header is written last (version 2 only if a placeholder is in the file); reserve its room.
      int fill = SegmentFormat.HEADER_BYTES;
      written = 0;
      boolean placeholders = false;
      while (r.next()) {
        int room = SegmentFormat.RECORD_OVERHEAD + Math.max(r.payloadLength(), 11);
        if (out.length - fill < room) {
          ch.write(ByteBuffer.wrap(out, 0, fill), written);
          written += fill;
          fill = 0;
          if (out.length < room) {
            out = new byte[room];
          }
        }
        int start = fill + SegmentFormat.RECORD_OVERHEAD;
        int end;
        if (r.erased()) {
          placeholders = true;
          end = EventCodec.encodeErased(r.sequence(), out, start);
        } else {
          Event e = r.event();
          Long through = todo.get(e.user());
          if (through != null && r.sequence() <= through) {
            erased.accept(new LoggedEvent(r.sequence(), e));
            count++;
            placeholders = true;
            end = EventCodec.encodeErased(r.sequence(), out, start);
          } else {
            System.arraycopy(r.buffer(), r.payloadOffset(), out, start, r.payloadLength());
            end = start + r.payloadLength();
          }
        }
        sum.reset();
        sum.update(out, start, end - start);
        SegmentFormat.putInt(out, fill, end - start);
        SegmentFormat.putInt(out, fill + 4, (int) sum.getValue());
        fill = end;
      }
      if (r.damage() != null) {
        throw new LogFormatException(s.file(), r.recordOffset(), "cannot compact: " + r.damage());
      }
      if (count == 0) {
        ch.close();
        Files.delete(tmp);
        return null;
      }
      ch.write(ByteBuffer.wrap(out, 0, fill), written);
      written += fill;
      byte[] h = new byte[SegmentFormat.HEADER_BYTES];
      SegmentFormat.writeHeader(h, s.firstSequence(), placeholders ? SegmentFormat.VERSION_2 : SegmentFormat.VERSION_1);
      ch.write(ByteBuffer.wrap(h), 0);
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    long before = Files.size(s.file());
    Files.move(tmp, s.file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory(dir);
    return new long[] {count, before, written};
  }

  /** Sequence of the newest durable event; 0 for a log that never held one. */
  public long lastSequence() {
    return lastSequence;
  }

  /** What {@link #open} found and repaired. */
  public RecoveryReport recovery() {
    return recovery;
  }

  public LogStats stats() {
    return new LogStats(groupCommits, appends, events, bytes, fsyncNanos, maxFsyncNanos, preallocations);
  }

  /**
   * Upper bounds, in nanoseconds, of the fsync latency histogram's buckets ({@link #fsyncHistogram}):
   * 50 µs to 1 s, about x2-2.5 apart (one fsync measured 0.13-0.19 ms on the build machine's disk).
   */
  public static long[] fsyncBucketBoundsNanos() {
    return FSYNC_BUCKET_NANOS.clone();
  }

  /**
   * Copies the fsync latency histogram into {@code counts} (length {@code fsyncBucketBoundsNanos().length + 1}):
   * fsyncs per bucket, non-cumulative, the last slot those slower than the top bound. The total time is
   * {@link LogStats#fsyncNanos()}.
   */
  public void fsyncHistogram(long[] counts) {
    if (counts.length != fsyncCounts.length()) {
      throw new IllegalArgumentException("counts must have fsyncBucketBoundsNanos().length + 1 = " + fsyncCounts.length() + " slots; counts.length=" + counts.length);
    }
    for (int b = 0; b < counts.length; b++) {
      counts[b] = fsyncCounts.get(b);
    }
  }

  public Path directory() {
    return dir;
  }

  public LogConfig config() {
    return config;
  }

  /**
   * Sends every durable event with a sequence {@code >= fromSequence} to {@code sink}, in
   * sequence order, up to {@link #lastSequence()} as of the call; appends may continue meanwhile.
   * Events deleted by retention are not sent: the first one sent may be later than {@code fromSequence}.
   * Erased events ({@link #erase}) are never sent, whether compaction has removed them yet or not, so
   * sequences sent may have gaps. This is the one path that reads events back (service start-up,
   * training snapshots), so the erasure filter lives here.
   *
   * @return the number of events sent
   * @throws LogFormatException when a record turns out damaged (the disk changed since
   *     recovery); every event before it has been sent
   */
  public long replay(long fromSequence, Consumer<LoggedEvent> sink) {
    Map<String, Long> erased = erasures.snapshot(); // taken first: compaction drops entries only after its renames
    long bound = lastSequence;
    List<Segment> snapshot;
    synchronized (segments) {
      snapshot = new ArrayList<>(segments);
    }
    int start = 0;
    for (int i = 0; i < snapshot.size(); i++) {
      if (snapshot.get(i).firstSequence() <= fromSequence) {
        start = i;
      }
    }
    long sent = 0;
    for (int i = start; i < snapshot.size(); i++) {
      Segment s = snapshot.get(i);
      if (s.firstSequence() > bound) {
        break;
      }
      SegmentReader r;
      try {
        r = new SegmentReader(s.file(), s.firstSequence());
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof NoSuchFileException && i == start) {
          continue; // retention deleted the oldest segment since the snapshot
        }
        throw e;
      }
      try (r) {
        while (r.nextSequence() <= bound && r.next()) {
          if (r.sequence() >= fromSequence && !r.erased()) {
            Event e = r.event();
            if (!erased.isEmpty()) {
              Long through = erased.get(e.user());
              if (through != null && r.sequence() <= through) {
                continue;
              }
            }
            sink.accept(new LoggedEvent(r.sequence(), e));
            sent++;
          }
        }
        boolean continues = i + 1 < snapshot.size() && snapshot.get(i + 1).firstSequence() == r.nextSequence();
        if (r.nextSequence() <= bound && (r.damage() != null || !continues)) {
          throw new LogFormatException(s.file(), r.recordOffset(),
              r.damage() != null ? r.damage() : "segment ends at sequence " + (r.nextSequence() - 1) + " before the durable end " + bound);
        }
      }
    }
    return sent;
  }

  /**
   * Deletes whole closed segments, oldest first, never the active one: by age (last written more
   * than {@code maxAgeMillis} before {@code now}: the file's modification time is when its newest
   * event was appended; event timestamps are client-given and may be backfilled) and by size (while
   * all segments together exceed {@code maxTotalBytes}). Only a prefix of the log is deleted, so the
   * rest stays gap-free.
   *
   * @return the deleted files
   */
  public List<Path> applyRetention(Instant now) {
    List<Path> deleted = new ArrayList<>();
    try {
      synchronized (maintenance) {
      synchronized (segments) {
        long[] sizes = new long[segments.size()];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
          sizes[i] = Files.size(segments.get(i).file());
          total += sizes[i];
        }
        int drop = 0;
        while (drop < segments.size() - 1) {
          Path f = segments.get(drop).file();
          boolean tooOld = config.maxAgeMillis() > 0
              && Files.getLastModifiedTime(f).toMillis() < now.toEpochMilli() - config.maxAgeMillis();
          boolean tooBig = config.maxTotalBytes() > 0 && total > config.maxTotalBytes();
          if (!tooOld && !tooBig) {
            break;
          }
          total -= sizes[drop];
          drop++;
        }
        for (int i = 0; i < drop; i++) {
          Path f = segments.get(0).file();
          Files.deleteIfExists(f);
          segments.remove(0);
          deleted.add(f);
        }
      }
      }
      if (!deleted.isEmpty()) {
        forceDirectory(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("event log retention failed in " + dir, e);
    }
    return deleted;
  }

  /** Stops accepting appends, makes every queued batch durable, and closes the files. Idempotent. */
  @Override
  public void close() {
    synchronized (queueLock) {
      closed = true;
      queueLock.notify();
    }
    if (Thread.currentThread() == writer) {
      return; // called from a completion callback: the writer finishes the queue and exits by itself
    }
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    erasures.close();
  }

  // ---- writer thread ----

  private void runWriter() {
    try {
      while (true) {
        ArrayList<PendingAppend> group = null;
        synchronized (queueLock) {
          while (pending.isEmpty() && !closed && !preallocationDue()) {
            writerWaiting = true;
            try {
              queueLock.wait();
            } catch (InterruptedException e) {
              // Only close() ends the writer.
            }
          }
          writerWaiting = false;
          if (pending.isEmpty() && closed) {
            break; // closed and drained
          }
          if (!pending.isEmpty()) {
            group = pending;
            pending = spare;
            spare = group;
          }
        }
        if (group == null) { // idle: write zeros ahead, then look at the queue again
          try {
            preallocateStep();
          } catch (IOException | RuntimeException e) {
            // Zeros ahead are an optimisation: without them records still grow the file. Stop trying
            // (a full disk, say); the records' own writes report a real failure.
            preallocationFailed = e;
          }
          continue;
        }
        try {
          commit(group);
        } catch (Throwable t) {
          failure = t;
          for (PendingAppend p : group) {
            p.future.completeExceptionally(t);
          }
          group.clear();
          break;
        }
        for (PendingAppend p : group) {
          p.future.complete(p.lastSequence);
        }
        group.clear();
      }
    } finally {
      failRemaining();
      try {
        active.close();
      } catch (IOException e) {
        // Every acknowledged byte was already forced.
      }
    }
  }

  private void failRemaining() {
    synchronized (queueLock) {
      closed = true;
      Throwable cause = failure != null ? failure : new IllegalStateException("event log closed");
      for (PendingAppend p : pending) {
        p.future.completeExceptionally(cause);
      }
      pending.clear();
    }
  }

  /** Encodes, writes and forces one group; rolls segments on the way. */
  private void commit(List<PendingAppend> group) throws IOException {
    long seq = nextSequence;
    int fill = 0;
    long groupBytes = 0;
    long groupEvents = 0;
    for (PendingAppend p : group) {
      if (p.roll) {
        writeFully(active, buf, 0, fill);
        activeSize += fill;
        fill = 0;
        if (activeSize > SegmentFormat.HEADER_BYTES) {
          force();
          roll(seq);
        }
        p.lastSequence = seq - 1;
        continue;
      }
      for (Event e : p.events) {
        int room = SegmentFormat.RECORD_OVERHEAD + EventCodec.maxEncodedSize(e);
        if (buf.length - fill < room) {
          byte[] bigger = new byte[Math.max(fill + room, buf.length * 2)];
          System.arraycopy(buf, 0, bigger, 0, fill);
          buf = bigger;
        }
        int start = fill;
        int end = EventCodec.encode(seq, e, buf, start + SegmentFormat.RECORD_OVERHEAD);
        int length = end - start - SegmentFormat.RECORD_OVERHEAD;
        crc.reset();
        crc.update(buf, start + SegmentFormat.RECORD_OVERHEAD, length);
        SegmentFormat.putInt(buf, start, length);
        SegmentFormat.putInt(buf, start + 4, (int) crc.getValue());
        int recordBytes = end - start;
        if (activeSize + end > config.segmentBytes() && activeSize + start > SegmentFormat.HEADER_BYTES) {
          // The record does not fit: what is before it finishes the old segment, it starts a new one.
          writeFully(active, buf, 0, start);
          force();
          roll(seq);
          System.arraycopy(buf, start, buf, 0, recordBytes);
          end = recordBytes;
        }
        fill = end;
        groupBytes += recordBytes;
        seq++;
        if (fill >= WRITE_CHUNK) {
          writeFully(active, buf, 0, fill);
          activeSize += fill;
          fill = 0;
        }
      }
      groupEvents += p.events.size();
      p.lastSequence = seq - 1;
    }
    writeFully(active, buf, 0, fill);
    activeSize += fill;
    allocatedEnd = Math.max(allocatedEnd, activeSize); // records past the zeros grew the file
    force();
    nextSequence = seq;
    lastSequence = seq - 1;
    groupCommits++;
    appends += group.size();
    events += groupEvents;
    bytes += groupBytes;
    if (buf.length > 8 * WRITE_CHUNK) {
      buf = new byte[WRITE_CHUNK + (64 << 10)]; // one huge event grew it: do not keep the memory
    }
  }

  private void force() throws IOException {
    long t0 = System.nanoTime();
    active.force(false); // fdatasync: data and the file size, not the modification time
    long took = System.nanoTime() - t0;
    int b = 0;
    while (b < FSYNC_BUCKET_NANOS.length && took > FSYNC_BUCKET_NANOS[b]) {
      b++;
    }
    fsyncCounts.incrementAndGet(b); // single writer: uncontended, no allocation
    fsyncNanos += took;
    if (took > maxFsyncNanos) {
      maxFsyncNanos = took;
    }
  }

  /**
   * Whether the idle writer should write zeros ahead: a version-3 active segment, room before the
   * segment's size limit, and a top-up under way. A top-up starts when less than half of
   * {@code preallocateBytes} of zeros is left past the records and runs until all of it is there, so
   * the zeros go down in steps of 256 KiB rather than one small write and fsync after every commit.
   */
  private boolean preallocationDue() {
    if (activeVersion < SegmentFormat.VERSION_3 || preallocationFailed != null || Math.max(allocatedEnd, activeSize) >= config.segmentBytes()) {
      return false;
    }
    long ahead = allocatedEnd - activeSize;
    if (ahead < config.preallocateBytes() / 2) {
      toppingUp = true;
    } else if (ahead >= config.preallocateBytes()) {
      toppingUp = false;
    }
    return toppingUp;
  }

  /**
   * Writes one step of zeros (at most {@link LogConfig#PREALLOCATE_STEP}) past the records and the
   * zeros already there, and syncs them, so that the file's size is committed now rather than by a
   * later record's fdatasync. Positional writes: the channel's position (the next record) stays.
   */
  private void preallocateStep() throws IOException {
    long from = Math.max(allocatedEnd, activeSize); // never below a record
    long to = Math.min(config.segmentBytes(), Math.min(from + LogConfig.PREALLOCATE_STEP, activeSize + config.preallocateBytes()));
    ByteBuffer zeros = ByteBuffer.wrap(ZEROS);
    for (long at = from; at < to; ) {
      zeros.clear().limit((int) Math.min(ZEROS.length, to - at));
      at += active.write(zeros, at);
    }
    active.force(false);
    allocatedEnd = Math.max(allocatedEnd, to);
    preallocations++;
  }

  private void roll(long firstSequence) throws IOException {
    long end = active.position(); // the records' end (activeSize may not count the group's last write yet)
    if (allocatedEnd > end) {
      active.truncate(end); // a closed segment keeps no zero tail: its size is its records'
    }
    active.close();
    activeVersion = segmentVersion(config);
    Segment s = createSegment(dir, firstSequence, header, activeVersion);
    active = FileChannel.open(s.file(), StandardOpenOption.WRITE);
    active.position(SegmentFormat.HEADER_BYTES);
    activeSize = SegmentFormat.HEADER_BYTES;
    allocatedEnd = SegmentFormat.HEADER_BYTES;
    synchronized (segments) {
      segments.add(s);
    }
  }
}
