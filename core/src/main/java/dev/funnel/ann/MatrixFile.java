package dev.funnel.ann;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A dense float matrix file (docs/formats.md, "Vector matrix file"): little-endian int32 rows,
 * int32 cols, then rows x cols float32, row-major. The input of {@code funnel index build} and the
 * file the ANN bench hands to its peers.
 */
public final class MatrixFile {
  private MatrixFile() {}

  /** A row-major matrix. */
  public record Matrix(int rows, int cols, float[] data) {
    public float[] row(int r) {
      return java.util.Arrays.copyOfRange(data, r * cols, (r + 1) * cols);
    }
  }

  public static Matrix read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new IllegalArgumentException(file + ": " + size + " bytes, too short for the 8-byte header (rows, cols)");
      }
      ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
      int rows = map.getInt();
      int cols = map.getInt();
      if (rows < 0 || cols <= 0) {
        throw new IllegalArgumentException(file + ": header field 'rows'=" + rows + ", 'cols'=" + cols + "; need rows >= 0 and cols > 0");
      }
      long expected = 8 + 4L * rows * cols;
      if (expected != size) {
        throw new IllegalArgumentException(file + ": header says " + rows + " x " + cols + " floats (" + expected + " bytes) but the file has "
            + size + " bytes");
      }
      float[] data = new float[Math.multiplyExact(rows, cols)];
      map.asFloatBuffer().get(data);
      for (int i = 0; i < data.length; i++) {
        if (!Float.isFinite(data[i])) {
          throw new IllegalArgumentException(file + ": row " + (i / cols) + ", column " + (i % cols) + " is " + data[i]);
        }
      }
      return new Matrix(rows, cols, data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public static void write(Path file, float[] data, int rows, int cols) {
    try (IndexOutput out = new IndexOutput(file)) {
      out.writeInt(rows);
      out.writeInt(cols);
      out.writeFloats(data, 0, rows * cols);
      out.commitWithoutChecksum();
    }
  }
}
