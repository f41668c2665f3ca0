package dev.funnel.data;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps external string ids (user ids, item ids, event types) to dense ints 0..size-1 in order of
 * first appearance, and back. Dense ids index every array in Funnel (CSR rows, embedding rows).
 *
 * <p>Not thread-safe while growing; once a dataset is built its maps are only read.
 */
public final class IdMap {
  private final Map<String, Integer> index;
  private final List<String> externals;

  public IdMap() {
    this(16);
  }

  public IdMap(int expectedSize) {
    index = new HashMap<>(Math.max(16, expectedSize * 4 / 3 + 1));
    externals = new ArrayList<>(expectedSize);
  }

  /** The dense id of {@code external}, adding it if it is new. */
  public int getOrAdd(String external) {
    Integer id = index.get(external);
    if (id != null) {
      return id;
    }
    int next = externals.size();
    index.put(external, next);
    externals.add(external);
    return next;
  }

  /** The dense id of {@code external}, or -1 if it was never added. */
  public int get(String external) {
    Integer id = index.get(external);
    return id == null ? -1 : id;
  }

  /** The external id of dense id {@code id}. */
  public String external(int id) {
    if (id < 0 || id >= externals.size()) {
      throw new IndexOutOfBoundsException("dense id " + id + " out of range [0, " + externals.size() + ")");
    }
    return externals.get(id);
  }

  public int size() {
    return externals.size();
  }

  public IdMap copy() {
    IdMap copy = new IdMap(size());
    for (String e : externals) {
      copy.getOrAdd(e);
    }
    return copy;
  }

  /** Writes the count then each external id as modified UTF-8, in dense-id order. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(externals.size());
    for (String e : externals) {
      out.writeUTF(e);
    }
  }

  public static IdMap readFrom(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("corrupt id map: negative size " + n);
    }
    IdMap map = new IdMap(Math.min(n, 1 << 16)); // grows as ids arrive; a damaged count cannot allocate ahead
    for (int i = 0; i < n; i++) {
      String e = in.readUTF();
      if (map.getOrAdd(e) != i) {
        throw new IOException("corrupt id map: duplicate id '" + e + "' at position " + i);
      }
    }
    return map;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdMap other && externals.equals(other.externals);
  }

  @Override
  public int hashCode() {
    return externals.hashCode();
  }
}
