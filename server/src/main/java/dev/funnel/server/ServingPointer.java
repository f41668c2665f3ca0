package dev.funnel.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Which version of a model serves, as a durable record that a swap updates with one in-place write
 * and one {@code fdatasync}, instead of the manifest's temporary file, two fsyncs and a rename (three
 * to four device flushes, ~12 ms on the test VM, where a flush was measured to delay other threads'
 * wake-ups by milliseconds: the request threads' tail during a swap).
 *
 * <p>Two 512-byte slots (layout in {@code docs/formats.md}, "Model versions"); a write goes to slot
 * {@code seq % 2}, so a torn write (its checksum fails) leaves the other slot, the state before it.
 * The newest valid slot wins over the manifest's {@code serving} only when its sequence is higher
 * than the manifest's {@code serving_seq}: a manifest written later carries the sequence it has
 * seen, so a stale slot never overrides it. The same double-slot scheme as a file system's
 * superblocks.
 */
final class ServingPointer {
  static final String FILE = "serving.ptr";
  static final int SLOT = 512;
  private static final long MAGIC = 0x464e4c5345525631L; // "FNLSERV1"

  /** One slot's content. */
  record Entry(long seq, long version) {}

  private ServingPointer() {}

  /**
   * The newest slot whose checksum holds; empty when the file is absent or no slot is valid (a file
   * created but never written).
   *
   * @throws IllegalStateException when the file exists but cannot be read, or has the wrong size
   */
  static Optional<Entry> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read serving pointer " + file + ": " + e.getMessage(), e);
    }
    if (bytes.length != 2 * SLOT) {
      throw new IllegalStateException("serving pointer " + file + " has " + bytes.length + " bytes, not " + 2 * SLOT);
    }
    Entry best = null;
    for (int s = 0; s < 2; s++) {
      ByteBuffer b = ByteBuffer.wrap(bytes, s * SLOT, SLOT);
      long magic = b.getLong();
      long seq = b.getLong();
      long version = b.getLong();
      int crc = b.getInt();
      if (magic != MAGIC || crc != checksum(bytes, s * SLOT) || seq < 1 || version < 0) {
        continue;
      }
      if (best == null || seq > best.seq()) {
        best = new Entry(seq, version);
      }
    }
    return Optional.ofNullable(best);
  }

  /** Creates the file with two empty slots, fsyncs it and its directory (once per model). */
  static void create(Path file) {
    try {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        ByteBuffer zeros = ByteBuffer.allocate(2 * SLOT);
        while (zeros.hasRemaining()) {
          ch.write(zeros, zeros.position());
        }
        ch.force(true);
      }
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      } catch (IOException e) {
        // Some file systems cannot open a directory for fsync; the next manifest write syncs it.
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create serving pointer " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code version} with sequence {@code seq} into slot {@code seq % 2} of an existing file
   * and waits for it to reach the device ({@code fdatasync}: the file's size and blocks do not change,
   * so no metadata needs a journal commit).
   */
  static void write(Path file, long seq, long version) {
    ByteBuffer b = ByteBuffer.allocate(SLOT);
    b.putLong(MAGIC).putLong(seq).putLong(version);
    b.putInt(checksum(b.array(), 0));
    b.rewind();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      long at = (seq & 1) * SLOT;
      while (b.hasRemaining()) {
        at += ch.write(b, at);
      }
      ch.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write serving pointer " + file + ": " + e.getMessage(), e);
    }
  }

  private static int checksum(byte[] bytes, int from) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, 24);
    return (int) crc.getValue();
  }
}
