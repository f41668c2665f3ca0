package dev.funnel.io;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Length-prefixed primitive arrays in big-endian DataOutput form. Reads never trust a length before
 * the bytes arrive: arrays grow in bounded chunks as data is read, so a damaged length in a file
 * ends in an EOF error, not in a multi-gigabyte allocation before the checksum is checked.
 */
public final class BinaryIO {
  /** Elements allocated ahead of the data actually read. */
  static final int CHUNK = 1 << 16;

  private BinaryIO() {}

  public static void writeInts(DataOutput out, int[] a) throws IOException {
    out.writeInt(a.length);
    for (int v : a) {
      out.writeInt(v);
    }
  }

  public static int[] readInts(DataInput in) throws IOException {
    int length = readLength(in);
    int[] a = new int[Math.min(length, CHUNK)];
    for (int n = 0; n < length; n++) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, grow(n, length));
      }
      a[n] = in.readInt();
    }
    return a;
  }

  public static void writeFloats(DataOutput out, float[] a) throws IOException {
    out.writeInt(a.length);
    for (float v : a) {
      out.writeFloat(v);
    }
  }

  public static float[] readFloats(DataInput in) throws IOException {
    int length = readLength(in);
    float[] a = new float[Math.min(length, CHUNK)];
    for (int n = 0; n < length; n++) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, grow(n, length));
      }
      a[n] = in.readFloat();
    }
    return a;
  }

  public static void writeLongs(DataOutput out, long[] a) throws IOException {
    out.writeInt(a.length);
    for (long v : a) {
      out.writeLong(v);
    }
  }

  public static long[] readLongs(DataInput in) throws IOException {
    int length = readLength(in);
    long[] a = new long[Math.min(length, CHUNK)];
    for (int n = 0; n < length; n++) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, grow(n, length));
      }
      a[n] = in.readLong();
    }
    return a;
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
