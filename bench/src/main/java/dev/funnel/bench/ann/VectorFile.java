package dev.funnel.bench.ann;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The matrix file the bench hands to every peer: little-endian int32 rows, int32 cols, then
 * rows x cols float32 (vectors) or int32 (ground-truth ids), row-major. Readers: the Java peers,
 * bench/peers/hnswlib_peer.cpp and bench/peers/faiss_peer.py.
 */
final class VectorFile {
  private VectorFile() {}

  static void writeFloats(Path file, float[] data, int rows, int cols) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + 4 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(rows).putInt(cols);
    b.asFloatBuffer().put(data, 0, rows * cols);
    write(file, b);
  }

  static void writeInts(Path file, int[][] rowsData, int cols) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + 4 * rowsData.length * cols).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(rowsData.length).putInt(cols);
    for (int[] r : rowsData) {
      for (int c = 0; c < cols; c++) {
        b.putInt(c < r.length ? r[c] : -1);
      }
    }
    b.flip();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  private static void write(Path file, ByteBuffer b) throws IOException {
    b.position(0);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }
}
