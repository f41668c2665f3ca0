package dev.funnel.online;

import dev.funnel.data.IdMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The online state's item ids: external id to a dense int that never changes for the life of the
 * process, growable at any time (a new item from the catalogue or from an event). It starts as a
 * copy of the first model's {@link IdMap}, so for that model online ids and model ids coincide;
 * a later model is translated through {@link ModelView}. {@link IdMap} itself is not safe to grow
 * while read, which is why this registry exists.
 *
 * <p>Lookups are a {@link ConcurrentHashMap} read; adding takes a lock (rare: once per new item).
 * External ids live in fixed-size chunks so growth never copies them. Items are never removed (the
 * catalogue bounds them; {@code maxItems} guards against a flood of junk ids).
 */
public final class ItemIds {
  private static final int CHUNK_BITS = 12;
  private static final int CHUNK = 1 << CHUNK_BITS;

  private final ConcurrentHashMap<String, Integer> index;
  private final int maxItems;
  private volatile String[][] chunks;
  private volatile int size;
  /** Sum of the external ids' lengths, for the memory estimate. */
  private volatile long chars;

  public ItemIds(IdMap initial, int maxItems) {
    if (maxItems < 1) {
      throw new IllegalArgumentException("maxItems must be positive; maxItems=" + maxItems);
    }
    if (initial.size() > maxItems) {
      throw new IllegalArgumentException("the model has " + initial.size() + " items, more than maxItems=" + maxItems);
    }
    this.maxItems = maxItems;
    index = new ConcurrentHashMap<>(Math.max(16, initial.size() * 4 / 3 + 1));
    chunks = new String[Math.max(1, (initial.size() + CHUNK - 1) >>> CHUNK_BITS)][];
    for (int i = 0; i < initial.size(); i++) {
      append(initial.external(i));
    }
  }

  /** The dense id of {@code item}, or -1 if it was never added. */
  public int get(String item) {
    Integer id = index.get(item);
    return id == null ? -1 : id;
  }

  /**
   * The dense id of {@code item}, adding it if new.
   *
   * @throws IllegalStateException when the registry already holds {@code maxItems} items
   */
  public int getOrAdd(String item) {
    Integer id = index.get(item);
    if (id != null) {
      return id;
    }
    synchronized (this) {
      id = index.get(item);
      return id != null ? id : append(item);
    }
  }

  /** The external id of a dense id. */
  public String external(int id) {
    if (id < 0 || id >= size) {
      throw new IndexOutOfBoundsException("item id " + id + " out of range [0, " + size + ")");
    }
    return chunks[id >>> CHUNK_BITS][id & (CHUNK - 1)];
  }

  /** Number of items registered; ids are {@code 0 .. size-1}. */
  public int size() {
    return size;
  }

  /** Appends under the lock (or from the constructor): the external is stored before the id is published. */
  private int append(String item) {
    int id = size;
    if (id >= maxItems) {
      throw new IllegalStateException("item registry is full (maxItems=" + maxItems + "); cannot add item '" + item + "'");
    }
    int c = id >>> CHUNK_BITS;
    String[][] cs = chunks;
    if (c >= cs.length) {
      String[][] grown = java.util.Arrays.copyOf(cs, Math.max(c + 1, cs.length * 2));
      cs = grown;
    }
    if (cs[c] == null) {
      cs[c] = new String[CHUNK];
    }
    cs[c][id & (CHUNK - 1)] = item;
    chars += item.length();
    chunks = cs;
    size = id + 1;
    index.put(item, id);
    return id;
  }

  /** Rough heap bytes: map entries with boxed ids (about 100 B each), the strings, the chunk arrays. */
  public long memoryBytes() {
    return (long) chunks.length * (16 + 4L * CHUNK) + 140L * size + chars;
  }
}
