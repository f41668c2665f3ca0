package dev.funnel.recall.neighbors;

import dev.funnel.io.BinaryIO;
import dev.funnel.util.TopK;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A compact top-N similarity list per row (item or user), in CSR form: row r's neighbours are
 * {@code ids[ptr[r] .. ptr[r+1])} with similarities {@code sims[...]}, best first. Immutable once
 * built; the arrays are exposed for hot loops and must not be modified.
 */
public final class NeighborLists {
  private final int[] ptr;
  private final int[] ids;
  private final float[] sims;

  public NeighborLists(int[] ptr, int[] ids, float[] sims) {
    if (ptr.length == 0 || ptr[0] != 0 || ids.length != ptr[ptr.length - 1] || sims.length != ids.length) {
      throw new IllegalArgumentException("inconsistent neighbour lists: ptr=" + ptr.length + " ids=" + ids.length + " sims=" + sims.length);
    }
    this.ptr = ptr;
    this.ids = ids;
    this.sims = sims;
  }

  /**
   * Assembles lists from per-row top-k results (as drained from {@link TopK}, best first).
   *
   * @param rowIds  neighbour ids per row
   * @param rowSims similarities per row, same lengths as rowIds
   */
  public static NeighborLists of(int[][] rowIds, float[][] rowSims) {
    int rows = rowIds.length;
    int[] ptr = new int[rows + 1];
    for (int r = 0; r < rows; r++) {
      ptr[r + 1] = ptr[r] + rowIds[r].length;
    }
    int[] ids = new int[ptr[rows]];
    float[] sims = new float[ptr[rows]];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(rowIds[r], 0, ids, ptr[r], rowIds[r].length);
      System.arraycopy(rowSims[r], 0, sims, ptr[r], rowSims[r].length);
    }
    return new NeighborLists(ptr, ids, sims);
  }

  public int rows() {
    return ptr.length - 1;
  }

  public int size(int row) {
    return ptr[row + 1] - ptr[row];
  }

  /** Total number of stored neighbours. */
  public int total() {
    return ids.length;
  }

  public int[] ptr() {
    return ptr;
  }

  public int[] ids() {
    return ids;
  }

  public float[] sims() {
    return sims;
  }

  /** Layout: int[] ptr, int[] ids, float[] sims, each length-prefixed (see {@link BinaryIO}). */
  public void writeTo(DataOutput out) throws IOException {
    BinaryIO.writeInts(out, ptr);
    BinaryIO.writeInts(out, ids);
    BinaryIO.writeFloats(out, sims);
  }

  /** Reads lists written by {@link #writeTo} and checks they have {@code rows} rows of ids below {@code idBound}. */
  public static NeighborLists readFrom(DataInput in, int rows, int idBound) throws IOException {
    int[] ptr = BinaryIO.readInts(in);
    int[] ids = BinaryIO.readInts(in);
    float[] sims = BinaryIO.readFloats(in);
    if (ptr.length != rows + 1) {
      throw new IOException("neighbour lists have " + (ptr.length - 1) + " rows, expected " + rows);
    }
    NeighborLists lists;
    try {
      lists = new NeighborLists(ptr, ids, sims);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    for (int r = 0; r < rows; r++) {
      if (ptr[r + 1] < ptr[r]) {
        throw new IOException("neighbour lists: ptr decreases at row " + r);
      }
    }
    for (int id : ids) {
      if (id < 0 || id >= idBound) {
        throw new IOException("neighbour id " + id + " out of range [0, " + idBound + ")");
      }
    }
    return lists;
  }
}
