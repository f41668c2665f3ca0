package dev.funnel.data;

import java.util.Arrays;

/**
 * Raw interaction events in columns: user, item, timestamp (epoch ms, or any monotone clock; 0 when
 * the source has none), event type and value. This is what readers produce and splits cut; it is
 * turned into an {@link Interactions} matrix with a {@link DuplicatePolicy}.
 *
 * <p>Tables cut from one source share their {@link IdMap}s, so dense ids agree between train and
 * test. Events keep their read order (row k is the k-th accepted event).
 */
public final class EventTable {
  /** Event type recorded when a source has none. */
  public static final String DEFAULT_TYPE = "interaction";

  private final IdMap users;
  private final IdMap items;
  private final IdMap types;
  private int size;
  private int[] user;
  private int[] item;
  private long[] time;
  private int[] type;
  private float[] value;

  public EventTable() {
    this(new IdMap(), new IdMap(), new IdMap(), 1024);
  }

  public EventTable(IdMap users, IdMap items, IdMap types, int capacity) {
    this.users = users;
    this.items = items;
    this.types = types;
    int c = Math.max(16, capacity);
    user = new int[c];
    item = new int[c];
    time = new long[c];
    type = new int[c];
    value = new float[c];
  }

  /** An empty table sharing this table's id maps. */
  public EventTable emptyLike(int capacity) {
    return new EventTable(users, items, types, capacity);
  }

  /** Adds an event by external ids. */
  public int add(String userId, String itemId, long timestamp, String eventType, float v) {
    return add(users.getOrAdd(userId), items.getOrAdd(itemId), timestamp, types.getOrAdd(eventType), v);
  }

  /** Adds an event by dense ids (already in this table's maps); returns its row. */
  public int add(int u, int i, long timestamp, int t, float v) {
    if (size == user.length) {
      int c = size + (size >> 1) + 16;
      user = Arrays.copyOf(user, c);
      item = Arrays.copyOf(item, c);
      time = Arrays.copyOf(time, c);
      type = Arrays.copyOf(type, c);
      value = Arrays.copyOf(value, c);
    }
    user[size] = u;
    item[size] = i;
    time[size] = timestamp;
    type[size] = t;
    value[size] = v;
    return size++;
  }

  public int size() {
    return size;
  }

  public int user(int row) {
    return user[row];
  }

  public int item(int row) {
    return item[row];
  }

  public long timestamp(int row) {
    return time[row];
  }

  public int type(int row) {
    return type[row];
  }

  public float value(int row) {
    return value[row];
  }

  public IdMap users() {
    return users;
  }

  public IdMap items() {
    return items;
  }

  public IdMap types() {
    return types;
  }

  /** A new table (same id maps) holding the given rows, in the given order. */
  public EventTable select(int[] rows) {
    EventTable t = emptyLike(rows.length);
    for (int r : rows) {
      t.add(user[r], item[r], time[r], type[r], value[r]);
    }
    return t;
  }

  /** Appends every row of {@code other}, which must share this table's id maps. */
  public void addAll(EventTable other) {
    if (other.users != users || other.items != items || other.types != types) {
      throw new IllegalArgumentException("tables do not share id maps");
    }
    for (int r = 0; r < other.size; r++) {
      add(other.user[r], other.item[r], other.time[r], other.type[r], other.value[r]);
    }
  }

  /**
   * The user-item matrix of these events, sized to the id maps as they are now (so train and test
   * built after all reading share dimensions).
   */
  public Interactions toInteractions(DuplicatePolicy policy) {
    return Interactions.fromEvents(this, users.size(), items.size(), policy);
  }
}
