package dev.funnel.ann;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Little-endian writer of a vector index file (docs/formats.md, "Vector index file"): buffered bulk
 * writes of int and float arrays through a {@link FileChannel}, a running CRC32C, and an atomic
 * rename on {@link #commit()}. Little-endian so that a reader on x86 or ARM can bulk-copy mapped
 * bytes into arrays without swapping.
 */
public final class IndexOutput implements AutoCloseable {
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();
  private boolean committed;

  public IndexOutput(Path target) {
    this.target = target;
    try {
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
      channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  private void ensure(int bytes) {
    if (buf.remaining() < bytes) {
      flush();
    }
  }

  private void flush() {
    buf.flip();
    crc.update(buf.duplicate());
    try {
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
    buf.clear();
  }

  public void writeInt(int v) {
    ensure(4);
    buf.putInt(v);
  }

  public void writeLong(long v) {
    ensure(8);
    buf.putLong(v);
  }

  public void writeFloat(float v) {
    ensure(4);
    buf.putFloat(v);
  }

  public void writeString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeInt(b.length);
    for (int off = 0; off < b.length; ) {
      ensure(1);
      int n = Math.min(buf.remaining(), b.length - off);
      buf.put(b, off, n);
      off += n;
    }
  }

  public void writeInts(int[] a, int off, int len) {
    while (len > 0) {
      ensure(4);
      int n = Math.min(buf.remaining() / 4, len);
      buf.asIntBuffer().put(a, off, n);
      buf.position(buf.position() + 4 * n);
      off += n;
      len -= n;
    }
  }

  public void writeFloats(float[] a, int off, int len) {
    while (len > 0) {
      ensure(4);
      int n = Math.min(buf.remaining() / 4, len);
      buf.asFloatBuffer().put(a, off, n);
      buf.position(buf.position() + 4 * n);
      off += n;
      len -= n;
    }
  }

  public void writeBytes(byte[] a, int off, int len) {
    while (len > 0) {
      ensure(1);
      int n = Math.min(buf.remaining(), len);
      buf.put(a, off, n);
      off += n;
      len -= n;
    }
  }

  /** Appends the checksum, forces the file to disk and renames it over the target. */
  public void commit() {
    flush();
    int sum = (int) crc.getValue();
    buf.putInt(sum);
    finish();
  }

  /** As {@link #commit()} without the trailing checksum (plain matrix files). */
  public void commitWithoutChecksum() {
    flush();
    finish();
  }

  private void finish() {
    buf.flip();
    try {
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(true);
      channel.close();
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      committed = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (!committed) {
      try {
        channel.close();
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort: the temporary file is garbage either way
      }
    }
  }
}
