package dev.funnel.ann;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reader of a vector index file: maps it read-only, verifies the trailing CRC32C over the mapped
 * bytes, then bulk-copies arrays out of the mapping (no per-element parsing). Every error names
 * the file and the byte offset.
 */
public final class IndexInput {
  private final Path file;
  private final MappedByteBuffer map;
  private final int end;

  public IndexInput(Path file) {
    this.file = file;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(file + ": " + size + " bytes; vector index files over 2 GiB are not supported yet");
      }
      if (size < 8) {
        throw new IllegalArgumentException(file + ": truncated (" + size + " bytes), not a vector index file");
      }
      map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    map.order(ByteOrder.LITTLE_ENDIAN);
    end = map.capacity() - 4;
    CRC32C crc = new CRC32C();
    crc.update(map.duplicate().position(0).limit(end));
    int stored = map.getInt(end);
    if ((int) crc.getValue() != stored) {
      throw new IllegalArgumentException(file + ": checksum mismatch (stored " + Integer.toHexString(stored) + ", computed "
          + Integer.toHexString((int) crc.getValue()) + "): the file is damaged or truncated");
    }
    map.limit(end);
  }

  public Path file() {
    return file;
  }

  public long position() {
    return map.position();
  }

  private IllegalArgumentException truncated(String what) {
    return new IllegalArgumentException(file + ": truncated at byte " + map.position() + " while reading " + what);
  }

  public int readInt(String what) {
    try {
      return map.getInt();
    } catch (BufferUnderflowException e) {
      throw truncated(what);
    }
  }

  public long readLong(String what) {
    try {
      return map.getLong();
    } catch (BufferUnderflowException e) {
      throw truncated(what);
    }
  }

  public float readFloat(String what) {
    try {
      return map.getFloat();
    } catch (BufferUnderflowException e) {
      throw truncated(what);
    }
  }

  /** A non-negative int, or an error naming the field and value. */
  public int readCount(String what) {
    int v = readInt(what);
    if (v < 0) {
      throw new IllegalArgumentException(file + ": field '" + what + "' at byte " + (map.position() - 4) + " is negative: " + v);
    }
    return v;
  }

  public String readString(String what) {
    int n = readCount(what + " length");
    if (n > map.remaining()) {
      throw truncated(what);
    }
    byte[] b = new byte[n];
    map.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  public int[] readInts(int n, String what) {
    if ((long) n * 4 > map.remaining()) {
      throw truncated(what);
    }
    int[] a = new int[n];
    map.asIntBuffer().get(a);
    map.position(map.position() + 4 * n);
    return a;
  }

  public float[] readFloats(int n, String what) {
    if ((long) n * 4 > map.remaining()) {
      throw truncated(what);
    }
    float[] a = new float[n];
    map.asFloatBuffer().get(a);
    map.position(map.position() + 4 * n);
    return a;
  }

  /**
   * A read-only little-endian view of the next {@code n} floats, backed by the mapping (no copy):
   * for data read rarely and randomly, such as the re-rank vectors of IVF-PQ, left to the page cache.
   */
  public java.nio.FloatBuffer sliceFloats(int n, String what) {
    if ((long) n * 4 > map.remaining()) {
      throw truncated(what);
    }
    java.nio.ByteBuffer view = map.slice(map.position(), 4 * n).order(ByteOrder.LITTLE_ENDIAN);
    map.position(map.position() + 4 * n);
    return view.asFloatBuffer();
  }

  public byte[] readBytes(int n, String what) {
    if (n > map.remaining()) {
      throw truncated(what);
    }
    byte[] a = new byte[n];
    map.get(a);
    return a;
  }

  /** Fails unless every byte before the checksum was consumed. */
  public void expectEnd() {
    if (map.remaining() != 0) {
      throw new IllegalArgumentException(file + ": " + map.remaining() + " unexpected bytes after the payload at byte " + map.position());
    }
  }
}
