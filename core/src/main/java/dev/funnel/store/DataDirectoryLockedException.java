package dev.funnel.store;

import java.nio.file.Path;

/** Another server (another process, or another open in this JVM) holds the data directory's lock. */
public final class DataDirectoryLockedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final transient Path directory;
  private final String holder;

  public DataDirectoryLockedException(Path directory, String holder) {
    super("data directory " + directory + " is in use by another Funnel server (" + holder
        + "); stop it or choose another --data directory");
    this.directory = directory;
    this.holder = holder;
  }

  /** The locked directory. */
  public Path directory() {
    return directory;
  }

  /** What the lock file says about the holder, e.g. {@code "pid=1234 started=2026-... jvm=..."}. */
  public String holder() {
    return holder;
  }
}
