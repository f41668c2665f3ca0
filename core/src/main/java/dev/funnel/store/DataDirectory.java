package dev.funnel.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The one directory a live Funnel server owns: event log, catalog, model versions and snapshots,
 * guarded by a lock file so that two servers never share it.
 *
 * <p>Layout version 1 (documented in {@code docs/formats.md}):
 *
 * <pre>
 * DIR/
 *   funnel.lock   held with an exclusive OS lock while open; text "pid=..", "started=.." of the holder
 *   VERSION       the layout version as decimal text ("1")
 *   log/          event log segments (dev.funnel.store.log)
 *   catalog/      the catalog store (items and users)
 *   models/       model versions
 *   snapshots/    dataset snapshots taken for training
 * </pre>
 *
 * <p>The lock is {@link FileChannel#tryLock()} on {@code funnel.lock}: the operating system drops it
 * when the process dies (even on {@code kill -9}), so a stale lock file never blocks a restart; the
 * PID written in the file is only for the error message.
 *
 * <p>OS file locks belong to the whole process, and POSIX drops all of a process's locks on a file
 * when <em>any</em> descriptor of that file is closed. A second open in the same JVM therefore must
 * not even open (or read) the lock file: it is refused through a JVM-wide map of held directories,
 * and nothing in a holding process may read {@code funnel.lock} (use {@link #holder()}). It gets the same
 * message as a lock held by another process ({@link OverlappingFileLockException}, which only other
 * code locking the file directly could still cause, is reported the same way). The accessors are immutable
 * paths; {@link #close()} is idempotent.
 */
public final class DataDirectory implements AutoCloseable {
  /** The layout version this code writes and the newest it reads. */
  public static final int LAYOUT_VERSION = 1;

  public static final String LOCK_FILE = "funnel.lock";
  public static final String VERSION_FILE = "VERSION";
  public static final String LOG_DIR = "log";
  public static final String CATALOG_DIR = "catalog";
  public static final String MODELS_DIR = "models";
  public static final String SNAPSHOTS_DIR = "snapshots";
  /** Scene files (YAML pipelines) the server loads; optional, never created here, so it may be written before the first open. */
  public static final String SCENES_DIR = "scenes";

  private static final Set<String> LAYOUT_ENTRIES =
      Set.of(LOCK_FILE, VERSION_FILE, LOG_DIR, CATALOG_DIR, MODELS_DIR, SNAPSHOTS_DIR, SCENES_DIR);

  /** Directories (real paths) held by this JVM -> holder text; see the class comment for why. */
  private static final Map<Path, String> HELD = new ConcurrentHashMap<>();
  private static final String RESERVED = "this JVM, still opening it";

  private final Path root;
  private final String holder;
  private final int layoutVersion;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private boolean closed;

  private DataDirectory(Path root, String holder, int layoutVersion, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.holder = holder;
    this.layoutVersion = layoutVersion;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens the data directory at {@code root}, creating it and its layout when absent, and takes the
   * exclusive lock.
   *
   * @throws DataDirectoryLockedException when another process (or another open in this JVM) holds it
   * @throws IllegalStateException when the directory has a newer or unreadable layout version, or is a
   *     non-empty directory that is not a Funnel data directory
   * @throws UncheckedIOException on I/O failure
   */
  public static DataDirectory open(Path root) {
    Path dir;
    try {
      Files.createDirectories(root);
      dir = root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + root.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    Path lockPath = dir.resolve(LOCK_FILE);
    String heldBy = HELD.putIfAbsent(dir, RESERVED);
    if (heldBy != null) {
      throw new DataDirectoryLockedException(dir, heldBy);
    }
    try {
      return lockAndLayOut(dir, lockPath);
    } catch (RuntimeException e) {
      HELD.remove(dir);
      throw e;
    }
  }

  private static DataDirectory lockAndLayOut(Path dir, Path lockPath) {
    FileChannel channel;
    try {
      // No TRUNCATE: the holder's PID must stay readable for the message if we lose the race.
      channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open lock file " + lockPath + ": " + e.getMessage(), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      // Other code in this JVM locked the file outside DataDirectory (the HELD map rules out our own
      // opens): report it like any holder, without reading the file (this process holds the lock).
      closeQuietly(channel);
      throw new DataDirectoryLockedException(dir, "pid=" + ProcessHandle.current().pid()
          + " (this JVM holds a lock on " + LOCK_FILE + " outside DataDirectory)");
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock " + lockPath + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      String holder = readHolder(lockPath);
      closeQuietly(channel);
      throw new DataDirectoryLockedException(dir, holder);
    }
    try {
      String holder = writeHolder(channel);
      int version = readOrCreateVersion(dir);
      for (String sub : List.of(LOG_DIR, CATALOG_DIR, MODELS_DIR, SNAPSHOTS_DIR)) {
        Files.createDirectories(dir.resolve(sub));
      }
      HELD.put(dir, holder);
      return new DataDirectory(dir, holder, version, channel, lock);
    } catch (IOException | RuntimeException e) {
      try {
        lock.release();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      closeQuietly(channel);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot open data directory " + dir + ": " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  private static String writeHolder(FileChannel channel) throws IOException {
    String text = "pid=" + ProcessHandle.current().pid() + "\nstarted=" + Instant.now() + "\njvm="
        + ManagementFactory.getRuntimeMXBean().getName() + "\n";
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(true);
    return text.trim().replace('\n', ' ');
  }

  /**
   * The "pid=.., started=.." of the holder in another process, or a note when unreadable. Never called
   * while this process holds the lock (reading would close a descriptor and drop it).
   */
  private static String readHolder(Path lockPath) {
    try {
      String text = Files.readString(lockPath, StandardCharsets.UTF_8).trim();
      if (text.isEmpty()) {
        return "a process that has not yet written its PID";
      }
      return text.replace('\n', ' ');
    } catch (IOException | RuntimeException e) {
      return "a process whose lock file cannot be read (" + e.getMessage() + ")";
    }
  }

  private static int readOrCreateVersion(Path dir) throws IOException {
    Path versionPath = dir.resolve(VERSION_FILE);
    if (Files.exists(versionPath)) {
      String text = Files.readString(versionPath, StandardCharsets.UTF_8).trim();
      int version;
      try {
        version = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalStateException("data directory " + dir + " has an unreadable " + VERSION_FILE
            + " file; content=\"" + abbreviate(text) + "\"");
      }
      if (version < 1) {
        throw new IllegalStateException("data directory " + dir + " has an invalid layout version; version=" + version);
      }
      if (version > LAYOUT_VERSION) {
        throw new IllegalStateException("data directory " + dir + " has layout version " + version
            + " but this Funnel reads layout versions up to " + LAYOUT_VERSION + "; use a newer Funnel");
      }
      return version;
    }
    // A new directory: refuse to lay out inside a directory holding someone else's files.
    try (Stream<Path> entries = Files.list(dir)) {
      List<String> foreign = entries.map(p -> p.getFileName().toString()).filter(n -> !LAYOUT_ENTRIES.contains(n))
          .sorted().limit(5).toList();
      if (!foreign.isEmpty()) {
        throw new IllegalStateException("directory " + dir + " is not a Funnel data directory (no " + VERSION_FILE
            + " file) and is not empty; found " + foreign + "; choose an empty or new directory");
      }
    }
    Path tmp = dir.resolve(VERSION_FILE + ".tmp");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(ByteBuffer.wrap((LAYOUT_VERSION + "\n").getBytes(StandardCharsets.UTF_8)));
      out.force(true);
    }
    try {
      Files.move(tmp, versionPath, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, versionPath, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(dir);
    return LAYOUT_VERSION;
  }

  /** Makes a rename or file creation in {@code dir} durable (a no-op where directories cannot be opened). */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory; the rename is as durable as they allow.
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Already failing; the original error is the one to report.
    }
  }

  /** The directory itself (absolute, symbolic links resolved). */
  public Path root() {
    return root;
  }

  /** What this holder wrote into {@code funnel.lock}: {@code "pid=.. started=.. jvm=.."}. */
  public String holder() {
    return holder;
  }

  /** The layout version found (or written) on open. */
  public int layoutVersion() {
    return layoutVersion;
  }

  /** {@code log/}: event log segments. */
  public Path logDir() {
    return root.resolve(LOG_DIR);
  }

  /** {@code catalog/}: the catalog store. */
  public Path catalogDir() {
    return root.resolve(CATALOG_DIR);
  }

  /** {@code models/}: model versions. */
  public Path modelsDir() {
    return root.resolve(MODELS_DIR);
  }

  /** The scenes folder (may not exist). */
  public Path scenesDir() {
    return root.resolve(SCENES_DIR);
  }

  /** {@code snapshots/}: dataset snapshots. */
  public Path snapshotsDir() {
    return root.resolve(SNAPSHOTS_DIR);
  }

  /** {@code funnel.lock}. Never open or read it while holding the lock: closing it drops the POSIX lock. */
  public Path lockFile() {
    return root.resolve(LOCK_FILE);
  }

  /** Releases the lock; the lock file stays (its content is only informative). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release lock on " + lockFile() + ": " + e.getMessage(), e);
    } finally {
      HELD.remove(root);
    }
  }

  @Override
  public String toString() {
    return "DataDirectory[" + root + ", layout " + layoutVersion + "]";
  }
}
