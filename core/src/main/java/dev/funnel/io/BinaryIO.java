package dev.funnel.io;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Length-prefixed primitive arrays in big-endian DataOutput form, with sanity checks on read. */
public final class BinaryIO {
  private BinaryIO() {}

  public static void writeInts(DataOutput out, int[] a) throws IOException {
    out.writeInt(a.length);
    for (int v : a) {
      out.writeInt(v);
    }
  }

  public static int[] readInts(DataInput in) throws IOException {
    int[] a = new int[readLength(in)];
    for (int n = 0; n < a.length; n++) {
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
    float[] a = new float[readLength(in)];
    for (int n = 0; n < a.length; n++) {
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
    long[] a = new long[readLength(in)];
    for (int n = 0; n < a.length; n++) {
      a[n] = in.readLong();
    }
    return a;
  }

  private static int readLength(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("corrupt file: negative array length " + n);
    }
    return n;
  }
}
