package dev.funnel.server;

import dev.funnel.online.OnlineState;
import dev.funnel.store.DataDirectory;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Durable checkpoints of the live service's online state, so a restart loads the newest checkpoint
 * and replays only the log after it instead of the whole log (docs/formats.md, "Online snapshot").
 *
 * <p>A checkpoint ({@link Image}) is a consistent cut: the online state of one recommender (all
 * recommenders see the same events, and {@link OnlineState} is stored by external item id, so it
 * loads into any model), the idempotency window's durable ids, and exactly which log sequences the
 * state holds: every sequence {@code <= through} plus the batches listed in {@code appliedAbove}
 * (batches are applied concurrently, so a later one may be in while an earlier is not yet). The
 * service captures it under the lock events are applied with (the pause), then this class writes it
 * outside that lock: temporary file, fsync, atomic rename, directory fsync; CRC32C over everything,
 * a magic and a version. The newest {@code keep} are kept.
 *
 * <p>A checkpoint that is damaged, of another version, or ahead of the log is reported (WARNING,
 * naming the file and the reason) and never used; the next older one is tried, then full replay.
 *
 * <p>Erasure: {@link #exclusive} deletes every checkpoint before the erasure runs and keeps writes
 * out until it is done, so no checkpoint holding an erased user survives it.
 */
public final class OnlineSnapshot implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(OnlineSnapshot.class.getName());
  /** File magic: "FNLSNAP" and a zero byte. */
  static final byte[] MAGIC = {'F', 'N', 'L', 'S', 'N', 'A', 'P', 0};
  /** Format version; a file of another version is ignored (full replay). */
  public static final int VERSION = 1;
  static final String PREFIX = "online-";
  static final String SUFFIX = ".snap";
  /** Batches applied above {@code through} beyond this many: the cut is not taken (a batch was never applied). */
  static final int MAX_RANGES = 100_000;

  /**
   * @param enabled write and load checkpoints at all
   * @param everyEvents write when this many events were applied since the last one (0: not by count)
   * @param everyMillis write when this long passed since the last one and events were applied (0: not by time)
   * @param keep checkpoints kept (the newest); at least 1
   */
  public record Config(boolean enabled, long everyEvents, long everyMillis, int keep) {
    public Config {
      if (everyEvents < 0) {
        throw new IllegalArgumentException("everyEvents must be >= 0; everyEvents=" + everyEvents);
      }
      if (everyMillis < 0) {
        throw new IllegalArgumentException("everyMillis must be >= 0; everyMillis=" + everyMillis);
      }
      if (keep < 1) {
        throw new IllegalArgumentException("keep must be >= 1; keep=" + keep);
      }
    }

    /** Every 1,000,000 events or 5 minutes (when events arrived), keep the last 2. */
    public static Config defaults() {
      return new Config(true, 1_000_000, 300_000, 2);
    }

    /** No checkpoints: every open replays the whole log. */
    public static Config disabled() {
      return new Config(false, 0, 0, 2);
    }
  }

  /**
   * A consistent cut of the online state.
   *
   * @param through every log sequence {@code <= through} is applied
   * @param appliedAbove applied batches above {@code through}: pairs (first, last), ascending
   * @param ids the idempotency window's durable ids, eldest first, and per id its user ("" when erased)
   * @param state the online state
   * @param pauseNanos how long capturing held the state lock (0 for a loaded one)
   */
  public record Image(long through, long[] appliedAbove, List<String> ids, List<String> idUsers, OnlineState state, long pauseNanos) {
    /** Whether the event of this sequence is in the state. */
    public boolean holds(long sequence) {
      if (sequence <= through) {
        return true;
      }
      for (int i = 0; i < appliedAbove.length; i += 2) {
        if (sequence >= appliedAbove[i] && sequence <= appliedAbove[i + 1]) {
          return true;
        }
      }
      return false;
    }
  }

  /** A checkpoint written: file, bytes, lock pause and write time. */
  public record Written(Path file, long bytes, long pauseNanos, long writeNanos, int users, int items) {}

  private final Path dir;
  private final Config config;
  private final Object lock = new Object();
  private ScheduledExecutorService timer;
  private Supplier<Image> capture;
  private LongSupplier applied;
  private long appliedAtLast;
  private long lastWriteMillis = System.currentTimeMillis();
  private volatile Written last;
  private volatile Path loadedFrom;

  /** Checkpoints in {@code dir} (created when missing), e.g. {@link DataDirectory#snapshotsDir()}{@code /online}. */
  public OnlineSnapshot(Path dir, Config config) {
    this.dir = dir;
    this.config = config;
  }

  public Config config() {
    return config;
  }

  public Path directory() {
    return dir;
  }

  /** The last checkpoint written by this process, or null. */
  public Written lastWritten() {
    return last;
  }

  /** The checkpoint file the state was loaded from at open, or null (full replay). */
  public Path loadedFrom() {
    return loadedFrom;
  }

  /** Checkpoint files, newest (highest sequence) first. */
  public List<Path> files() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
      }).sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString())).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The newest checkpoint that reads back intact and is not ahead of the log ({@code through <= logLast});
   * every one refused is logged as a WARNING naming the file and the reason.
   */
  public Optional<Image> load(long logLast) {
    if (!config.enabled()) {
      return Optional.empty();
    }
    for (Path f : files()) {
      try {
        Image image = read(f);
        if (image.through() > logLast || (image.appliedAbove().length > 0 && image.appliedAbove()[image.appliedAbove().length - 1] > logLast)) {
          throw new IllegalArgumentException("it holds events through sequence " + Math.max(image.through(),
              image.appliedAbove().length > 0 ? image.appliedAbove()[image.appliedAbove().length - 1] : 0) + " but the log ends at " + logLast);
        }
        loadedFrom = f;
        return Optional.of(image);
      } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
        LOG.log(Level.WARNING, "online snapshot " + f + " ignored (" + e.getMessage() + "); trying an older one or replaying the whole log");
      }
    }
    return Optional.empty();
  }

  /**
   * Reads and checks one checkpoint file.
   *
   * @throws IllegalArgumentException naming the reason (magic, version, checksum, structure)
   */
  public static Image read(Path f) throws IOException {
    byte[] bytes = Files.readAllBytes(f);
    if (bytes.length < MAGIC.length + 8 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("not an online snapshot: bad magic or too short (" + bytes.length + " bytes)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    in.position(MAGIC.length);
    int version = in.getInt();
    if (version != VERSION) {
      throw new IllegalArgumentException("format version " + version + ", this build reads version " + VERSION);
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new IllegalArgumentException(String.format("CRC32C mismatch: stored %08x, computed %08x over %d bytes", stored, (int) crc.getValue(),
          bytes.length - 4));
    }
    ByteBuffer body = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
    body.position(MAGIC.length + 4);
    try {
      long through = body.getLong();
      int ranges = body.getInt();
      if (ranges < 0 || ranges > MAX_RANGES) {
        throw new IllegalArgumentException("bad applied range count " + ranges);
      }
      long[] above = new long[2 * ranges];
      for (int i = 0; i < above.length; i++) {
        above[i] = body.getLong();
      }
      int n = body.getInt();
      if (n < 0 || n > body.remaining()) {
        throw new IllegalArgumentException("bad idempotency id count " + n);
      }
      List<String> ids = new ArrayList<>(n);
      List<String> users = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ids.add(OnlineState.readString(body, "idempotency id"));
        users.add(OnlineState.readString(body, "idempotency user"));
      }
      OnlineState state = OnlineState.read(body);
      if (body.hasRemaining()) {
        throw new IllegalArgumentException(body.remaining() + " bytes left after the state");
      }
      return new Image(through, above, ids, users, state, 0);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("file ends early at byte " + body.position());
    }
  }

  /**
   * Starts the background writer: it checks once a second (or every {@code everyMillis} if shorter)
   * whether {@code everyEvents} events were applied or {@code everyMillis} passed since the last
   * checkpoint, and then writes one. {@code capture} returns null when no consistent cut can be taken
   * now (the writer tries again later).
   *
   * @param appliedEvents events applied since open (replayed included)
   * @param replayed events replayed at open: a checkpoint is written at once when they alone reach {@code everyEvents}
   */
  public void start(Supplier<Image> capture, LongSupplier appliedEvents, long replayed) {
    if (!config.enabled()) {
      return;
    }
    this.capture = capture;
    this.applied = appliedEvents;
    this.appliedAtLast = appliedEvents.getAsLong() - (config.everyEvents() > 0 && replayed >= config.everyEvents() ? replayed : 0);
    this.lastWriteMillis = System.currentTimeMillis();
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "funnel-online-snapshot");
      t.setDaemon(true);
      return t;
    });
    long period = config.everyMillis() > 0 ? Math.min(1000, config.everyMillis()) : 1000;
    timer.scheduleWithFixedDelay(this::tick, appliedAtLast < appliedEvents.getAsLong() ? 0 : period, period, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      long now = appliedEvents();
      long since = now - appliedAtLast;
      boolean byCount = config.everyEvents() > 0 && since >= config.everyEvents();
      boolean byTime = config.everyMillis() > 0 && since > 0 && System.currentTimeMillis() - lastWriteMillis >= config.everyMillis();
      if (byCount || byTime) {
        writeNow();
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "online snapshot failed (the log keeps everything; the next one is tried later): " + e, e);
    }
  }

  private long appliedEvents() {
    return applied == null ? 0 : applied.getAsLong();
  }

  /** Captures and writes a checkpoint now; empty when the service could not take a cut (then logged) or snapshots are off. */
  public Optional<Written> writeNow() {
    if (!config.enabled() || capture == null) {
      return Optional.empty();
    }
    synchronized (lock) {
      long appliedBefore = appliedEvents();
      Image image = capture.get();
      if (image == null) {
        return Optional.empty();
      }
      Written w = write(image);
      appliedAtLast = appliedBefore;
      lastWriteMillis = System.currentTimeMillis();
      last = w;
      LOG.log(Level.INFO, String.format("online snapshot %s: %,d users, %,d items, %,d bytes; state lock held %.1f ms, written in %.0f ms",
          w.file().getFileName(), w.users(), w.items(), w.bytes(), w.pauseNanos() / 1e6, w.writeNanos() / 1e6));
      prune();
      return Optional.of(w);
    }
  }

  /** Writes {@code image} atomically (temp, fsync, rename, directory fsync) as {@code online-<through>.snap}. */
  Written write(Image image) {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(String.format("%s%020d%s", PREFIX, image.through(), SUFFIX));
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      CRC32C crc = new CRC32C();
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream raw = java.nio.channels.Channels.newOutputStream(ch);
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(new NonClosing(raw), 1 << 16), crc));
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(image.through());
        out.writeInt(image.appliedAbove().length / 2);
        for (long v : image.appliedAbove()) {
          out.writeLong(v);
        }
        out.writeInt(image.ids().size());
        for (int i = 0; i < image.ids().size(); i++) {
          OnlineState.writeString(out, image.ids().get(i));
          OnlineState.writeString(out, image.idUsers().get(i));
        }
        image.state().write(out);
        out.flush();
        DataOutputStream tail = new DataOutputStream(new NonClosing(raw));
        tail.writeInt((int) crc.getValue());
        tail.flush();
        ch.force(true);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      DataDirectory.syncDirectory(dir);
      return new Written(file, Files.size(file), image.pauseNanos(), System.nanoTime() - t0, image.state().users(), image.state().items());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write online snapshot in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Deletes all but the newest {@code keep} checkpoints, and leftover temporary files. */
  private void prune() {
    List<Path> all = files();
    try {
      for (int i = config.keep(); i < all.size(); i++) {
        Files.deleteIfExists(all.get(i));
      }
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.filter(p -> p.getFileName().toString().endsWith(SUFFIX + ".tmp")).toList()) {
          Files.deleteIfExists(p);
        }
      }
      DataDirectory.syncDirectory(dir);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot delete old online snapshots in " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Deletes every checkpoint (directory fsync'd) and runs {@code body} with checkpoint writes held
   * off, so none taken before or during {@code body} survives it (right to erasure).
   */
  public <T> T exclusive(Supplier<T> body) {
    synchronized (lock) {
      discardAll();
      return body.get();
    }
  }

  private void discardAll() {
    List<Path> all = files();
    if (all.isEmpty()) {
      return;
    }
    try {
      for (Path p : all) {
        try {
          Files.delete(p);
        } catch (NoSuchFileException gone) {
          // fine
        }
      }
      DataDirectory.syncDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete online snapshots in " + dir + " before an erasure: " + e.getMessage(), e);
    }
    appliedAtLast = Long.MIN_VALUE / 2; // write a fresh one at the next tick
  }

  /** Stops the writer and, when events were applied since the last checkpoint, writes a final one. */
  @Override
  public void close() {
    if (timer == null) {
      return;
    }
    timer.shutdownNow();
    try {
      timer.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (appliedEvents() != appliedAtLast) {
        writeNow();
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "final online snapshot failed (the next open replays more of the log): " + e, e);
    }
    timer = null;
  }

  /**
   * Which log sequences the online state holds: every one {@code <= through}, plus batches applied
   * out of order above it (concurrent requests), merged into {@code through} as the gaps fill.
   */
  static final class Applied {
    private long through;
    private final TreeMap<Long, Long> above = new TreeMap<>();

    synchronized void reset(long throughSequence) {
      through = throughSequence;
      above.clear();
    }

    synchronized void add(long first, long lastSequence) {
      if (lastSequence <= through) {
        return;
      }
      if (first > through + 1) {
        above.put(first, lastSequence);
        return;
      }
      through = lastSequence;
      Map.Entry<Long, Long> e;
      while ((e = above.firstEntry()) != null && e.getKey() <= through + 1) {
        through = Math.max(through, e.getValue());
        above.pollFirstEntry();
      }
    }

    synchronized long through() {
      return through;
    }

    /** Pairs (first, last) above {@link #through}, ascending; null when there are more than {@link #MAX_RANGES}. */
    synchronized long[] above() {
      if (above.size() > MAX_RANGES) {
        return null;
      }
      long[] out = new long[2 * above.size()];
      int i = 0;
      for (Map.Entry<Long, Long> e : above.entrySet()) {
        out[i++] = e.getKey();
        out[i++] = e.getValue();
      }
      return out;
    }
  }

  /** Lets the buffered stream be closed-free: the channel is closed by its own try. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

}
