package dev.funnel.online;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy of one {@link OnlineRecommender}'s online state (item registry, per-user activity,
 * popularity counters) in plain arrays: taken with {@link #capture}, written with {@link #write},
 * read back with {@link #read}, and loaded into a fresh recommender with {@link #restoreInto}.
 *
 * <p>Model independence: items are stored by external id in registry order and translated into the
 * target recommender's registry on restore, so the copy fits any model (for the model it was taken
 * with, and the usual case of a log replayed in the same order, the translation is the identity).
 * Only training seeds are model-dependent ({@code seedFromTraining}); the caller refuses to use a
 * copy then. Every recommender of a service sees the same events, so one copy serves them all.
 *
 * <p>Capture is consistent only if no event is applied meanwhile: the caller holds the lock events are
 * applied under.
 */
public final class OnlineState {
  final String[] items;
  final double[] count;
  final double[] trend;
  final long[] trendTime;
  final Map<String, Double> categories;
  final List<User> users;

  /** One user's state: history oldest first, seen and negative items oldest first. */
  record User(String id, int[] items, float[] weights, long[] times, int[] seen, int[] negative) {}

  private OnlineState(String[] items, double[] count, double[] trend, long[] trendTime, Map<String, Double> categories, List<User> users) {
    this.items = items;
    this.count = count;
    this.trend = trend;
    this.trendTime = trendTime;
    this.categories = categories;
    this.users = users;
  }

  /** Copies the recommender's state (array copies only; strings are shared, being immutable). */
  public static OnlineState capture(OnlineRecommender r) {
    PopularityCounters pop = r.popularity();
    int counted = pop.size();
    double[] count = new double[counted];
    double[] trend = new double[counted];
    long[] trendTime = new long[counted];
    Map<String, Double> categories = new LinkedHashMap<>();
    pop.copyTo(count, trend, trendTime, categories);
    ItemIds ids = r.items();
    int n = Math.max(ids.size(), counted);
    String[] items = new String[n];
    for (int i = 0; i < n; i++) {
      items[i] = ids.external(i);
    }
    List<User> users = new ArrayList<>();
    r.users().copyUsers((u, hi, hw, ht, seen, neg) -> users.add(new User(u, hi, hw, ht, seen, neg)));
    return new OnlineState(items, count, trend, trendTime, categories, users);
  }

  /** Items in the registry. */
  public int items() {
    return items.length;
  }

  /** Users with online state. */
  public int users() {
    return users.size();
  }

  /**
   * Loads this state into {@code r}, a recommender that has seen no event yet: registers every item
   * (translated by external id), sets the counters and each user's state.
   */
  public void restoreInto(OnlineRecommender r) {
    int[] to = new int[items.length];
    ItemIds ids = r.items();
    boolean identity = true;
    for (int i = 0; i < items.length; i++) {
      to[i] = ids.getOrAdd(items[i]);
      identity &= to[i] == i;
    }
    PopularityCounters pop = r.popularity();
    for (int i = 0; i < count.length; i++) {
      pop.restore(to[i], count[i], trend[i], trendTime[i]);
    }
    categories.forEach(pop::restoreCategory);
    UserActivity ua = r.users();
    for (User u : users) {
      if (identity) {
        ua.restore(u.id, u.items, u.weights, u.times, u.seen, u.negative);
      } else {
        ua.restore(u.id, translate(u.items, to), u.weights, u.times, translate(u.seen, to), translate(u.negative, to));
      }
    }
  }

  private static int[] translate(int[] ids, int[] to) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = to[ids[i]];
    }
    return out;
  }

  /**
   * Writes the state: items (count, then each as a string), counters (count, then three primitive
   * arrays), categories (count, then name and total), users (count, then id, history length, items,
   * weights, times, seen length, seen, negative length, negative). Strings are an int byte length and
   * UTF-8. All big-endian ({@link DataOutputStream}). Documented in docs/formats.md.
   */
  public void write(DataOutputStream out) throws IOException {
    out.writeInt(items.length);
    for (String s : items) {
      writeString(out, s);
    }
    out.writeInt(count.length);
    for (double v : count) {
      out.writeDouble(v);
    }
    for (double v : trend) {
      out.writeDouble(v);
    }
    for (long v : trendTime) {
      out.writeLong(v);
    }
    out.writeInt(categories.size());
    for (Map.Entry<String, Double> e : categories.entrySet()) {
      writeString(out, e.getKey());
      out.writeDouble(e.getValue());
    }
    out.writeInt(users.size());
    for (User u : users) {
      writeString(out, u.id);
      out.writeInt(u.items.length);
      for (int v : u.items) {
        out.writeInt(v);
      }
      for (float v : u.weights) {
        out.writeFloat(v);
      }
      for (long v : u.times) {
        out.writeLong(v);
      }
      writeInts(out, u.seen);
      writeInts(out, u.negative);
    }
  }

  /**
   * Reads what {@link #write} wrote from {@code in} (big-endian), checking every length and item id
   * against what was read before.
   *
   * @throws IllegalArgumentException naming the field when the bytes do not form a state
   */
  public static OnlineState read(ByteBuffer in) {
    try {
      int n = length(in, "items");
      String[] items = new String[n];
      for (int i = 0; i < n; i++) {
        items[i] = readString(in, "item id");
      }
      int c = length(in, "counters");
      if (c > n) {
        throw new IllegalArgumentException("counters=" + c + " exceed items=" + n);
      }
      double[] count = new double[c];
      double[] trend = new double[c];
      long[] trendTime = new long[c];
      in.asDoubleBuffer().get(count);
      in.position(in.position() + 8 * c);
      in.asDoubleBuffer().get(trend);
      in.position(in.position() + 8 * c);
      in.asLongBuffer().get(trendTime);
      in.position(in.position() + 8 * c);
      int cats = length(in, "categories");
      Map<String, Double> categories = new LinkedHashMap<>();
      for (int i = 0; i < cats; i++) {
        categories.put(readString(in, "category"), in.getDouble());
      }
      int nu = length(in, "users");
      List<User> users = new ArrayList<>(nu);
      for (int i = 0; i < nu; i++) {
        String id = readString(in, "user id");
        int h = length(in, "history of user '" + id + "'");
        int[] hi = new int[h];
        float[] hw = new float[h];
        long[] ht = new long[h];
        in.asIntBuffer().get(hi);
        in.position(in.position() + 4 * h);
        in.asFloatBuffer().get(hw);
        in.position(in.position() + 4 * h);
        in.asLongBuffer().get(ht);
        in.position(in.position() + 8 * h);
        int[] seen = readInts(in, "seen items of user '" + id + "'");
        int[] neg = readInts(in, "negative items of user '" + id + "'");
        checkIds(hi, n, id);
        checkIds(seen, n, id);
        checkIds(neg, n, id);
        users.add(new User(id, hi, hw, ht, seen, neg));
      }
      return new OnlineState(items, count, trend, trendTime, categories, users);
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("online state ends early at byte " + in.position());
    }
  }

  private static void checkIds(int[] ids, int n, String user) {
    for (int v : ids) {
      if (v < 0 || v >= n) {
        throw new IllegalArgumentException("item id " + v + " of user '" + user + "' out of range [0, " + n + ")");
      }
    }
  }

  private static int length(ByteBuffer in, String field) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("bad length of " + field + ": " + n + " (" + in.remaining() + " bytes left)");
    }
    return n;
  }

  private static void writeInts(DataOutputStream out, int[] v) throws IOException {
    out.writeInt(v.length);
    for (int x : v) {
      out.writeInt(x);
    }
  }

  private static int[] readInts(ByteBuffer in, String field) {
    int[] v = new int[length(in, field)];
    in.asIntBuffer().get(v);
    in.position(in.position() + 4 * v.length);
    return v;
  }

  /** An int byte length and the UTF-8 bytes. */
  public static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /** Reads what {@link #writeString} wrote. */
  public static String readString(ByteBuffer in, String field) {
    int n = length(in, field);
    String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
    in.position(in.position() + n);
    return s;
  }
}
