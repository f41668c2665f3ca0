package dev.funnel.data;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Maps external string ids (user ids, item ids, event types) to dense ints 0..size-1 in order of
 * first appearance, and back. Dense ids index every array in Funnel (CSR rows, embedding rows).
 *
 * <p>Stored as a handful of primitive arrays, not a {@code HashMap<String, Integer>}: every id's
 * characters in one {@code char[]}, its start in an offsets array, its {@link String#hashCode} in
 * another, and an open-addressing table of dense ids (linear probing, at most half full). A map of
 * n ids is a few arrays instead of about 4n small objects (string, its bytes, map node, boxed id):
 * less than half the memory (55 vs 114 bytes per id at 71k ids), and a model version loaded into the
 * live server leaves the collector far fewer objects to trace and copy beside the requests (a
 * rollback's swap p99 about halved; docs/benchmarks.md, session 13).
 * {@link #external} makes an id's {@code String} on first use and keeps it (the string passed to
 * {@link #getOrAdd} is not kept), so the ids serving returns are made once and the others never.
 *
 * <p>Not thread-safe while growing; once a dataset is built its maps are only read (the lazily
 * kept strings are immutable, so a racing read at worst makes one twice).
 */
public final class IdMap {
  /** Dense id + 1 per slot; 0 is empty. Power-of-two length, at most half full. */
  private int[] table;
  private int shift;
  private char[] chars;
  /** Id i's characters are {@code chars[start[i] .. start[i + 1])}. */
  private int[] start;
  private int[] hashes;
  private String[] strings;
  private int size;

  public IdMap() {
    this(16);
  }

  public IdMap(int expectedSize) {
    int capacity = Math.max(4, expectedSize);
    int slots = Integer.highestOneBit(Math.max(8, capacity * 2 - 1)) << 1;
    table = new int[slots];
    shift = 32 - Integer.numberOfTrailingZeros(slots);
    chars = new char[capacity * 8];
    start = new int[capacity + 1];
    hashes = new int[capacity];
    strings = new String[capacity];
  }

  /** The dense id of {@code external}, adding it if it is new. */
  public int getOrAdd(String external) {
    int h = external.hashCode();
    int slot = slotOf(h);
    for (int id; (id = table[slot] - 1) >= 0; slot = (slot + 1) & (table.length - 1)) {
      if (hashes[id] == h && matches(id, external)) {
        return id;
      }
    }
    int id = size;
    append(external, h);
    table[slot] = id + 1;
    if (2 * size > table.length) {
      rehash(table.length << 1);
    }
    return id;
  }

  /** The dense id of {@code external}, or -1 if it was never added. */
  public int get(String external) {
    int h = external.hashCode();
    for (int slot = slotOf(h), id; (id = table[slot] - 1) >= 0; slot = (slot + 1) & (table.length - 1)) {
      if (hashes[id] == h && matches(id, external)) {
        return id;
      }
    }
    return -1;
  }

  /** The external id of dense id {@code id}. */
  public String external(int id) {
    if (id < 0 || id >= size) {
      throw new IndexOutOfBoundsException("dense id " + id + " out of range [0, " + size + ")");
    }
    String s = strings[id];
    if (s == null) {
      s = make(id);
      strings[id] = s;
    }
    return s;
  }

  public int size() {
    return size;
  }

  public IdMap copy() {
    IdMap copy = new IdMap(1);
    copy.table = table.clone();
    copy.shift = shift;
    copy.chars = Arrays.copyOf(chars, start[size]);
    copy.start = Arrays.copyOf(start, size + 1);
    copy.hashes = Arrays.copyOf(hashes, size);
    copy.strings = Arrays.copyOf(strings, size);
    copy.size = size;
    return copy;
  }

  /** Writes the count then each external id as modified UTF-8, in dense-id order. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(size);
    for (int i = 0; i < size; i++) {
      String s = strings[i];
      out.writeUTF(s != null ? s : make(i)); // not kept: saving a model must not make its map hold every id's string
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

  /** Equal when both hold the same ids in the same order. */
  @Override
  public boolean equals(Object o) {
    return o instanceof IdMap other && size == other.size
        && Arrays.equals(start, 0, size + 1, other.start, 0, size + 1)
        && Arrays.equals(chars, 0, start[size], other.chars, 0, start[size]);
  }

  /** The hash of the id list ({@link java.util.List#hashCode()} of the ids in dense-id order). */
  @Override
  public int hashCode() {
    int h = 1;
    for (int i = 0; i < size; i++) {
      h = 31 * h + hashes[i];
    }
    return h;
  }

  /** Fibonacci hashing: the top bits of h times the golden ratio, so similar ids spread over the table. */
  private int slotOf(int h) {
    return (h * 0x9E3779B9) >>> shift;
  }

  private String make(int id) {
    return new String(chars, start[id], start[id + 1] - start[id]);
  }

  private boolean matches(int id, String external) {
    int from = start[id];
    int len = start[id + 1] - from;
    if (len != external.length()) {
      return false;
    }
    for (int c = 0; c < len; c++) {
      if (chars[from + c] != external.charAt(c)) {
        return false;
      }
    }
    return true;
  }

  private void append(String external, int h) {
    if (size == hashes.length) {
      int grown = hashes.length + (hashes.length >> 1) + 1;
      hashes = Arrays.copyOf(hashes, grown);
      start = Arrays.copyOf(start, grown + 1);
      strings = Arrays.copyOf(strings, grown);
    }
    int from = start[size];
    int end = from + external.length();
    if (end > chars.length) {
      chars = Arrays.copyOf(chars, Math.max(end, chars.length + (chars.length >> 1) + 16));
    }
    external.getChars(0, external.length(), chars, from);
    hashes[size] = h;
    start[++size] = end;
  }

  private void rehash(int slots) {
    table = new int[slots];
    shift = 32 - Integer.numberOfTrailingZeros(slots);
    for (int id = 0; id < size; id++) {
      int slot = slotOf(hashes[id]);
      while (table[slot] != 0) {
        slot = (slot + 1) & (slots - 1);
      }
      table[slot] = id + 1;
    }
  }
}
