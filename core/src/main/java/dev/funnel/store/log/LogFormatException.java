package dev.funnel.store.log;

import java.nio.file.Path;

/** A segment file that cannot be read as this build's event log: wrong magic, unknown version, bad header, damage found while reading. */
public final class LogFormatException extends RuntimeException {
  private final Path file;
  private final long offset;

  public LogFormatException(Path file, long offset, String reason) {
    super(file + " at byte " + offset + ": " + reason);
    this.file = file;
    this.offset = offset;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
