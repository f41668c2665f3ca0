package dev.funnel.recall.neighbors;

import java.util.Arrays;

import dev.funnel.data.Interactions;
import dev.funnel.recall.HistoryScorer;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;
import java.io.DataInput;
import java.io.IOException;

/**
 * A model that scores with item neighbour lists, shared by ItemCF and Swing:
 * {@code score(u, j) = sum over i in I_u of w(u,i) · sim(i, j)} where {@code sim(i, ·)} is i's top-N
 * list and {@code w(u,i)} is 1 (binary) or the stored interaction value. Items without evidence get
 * the {@link PopularityFallback} score, so full-sort lists are always filled and deterministic.
 *
 * <p>{@link #recommend} accumulates sparsely over the user's items' neighbours (about
 * |I_u|·N additions) and tops up with popular items, which yields exactly the full-sort answer of
 * {@link #scoreUser}. {@link #similarItems} reads the item's list and tops up the same way.
 * {@link #recommendFromHistory} runs the same loop over a history given at request time (online
 * triggers), on top of the training row or alone.
 *
 * <p>Payload: the {@link NeighborLists} (rows = items).
 */
public final class ItemNeighborModel extends NeighborhoodModel implements HistoryScorer {
  private final boolean binary;

  public ItemNeighborModel(String algorithm, Record config, Interactions train, NeighborLists neighbors, boolean binary) {
    super(algorithm, config, train, neighbors, train.numItems());
    this.binary = binary;
  }

  /** Reads a payload written by {@link #writePayload}. */
  public static ItemNeighborModel read(String algorithm, Record config, Interactions train, DataInput in, boolean binary) throws IOException {
    NeighborLists lists = NeighborLists.readFrom(in, train.numItems(), train.numItems());
    return new ItemNeighborModel(algorithm, config, train, lists, binary);
  }

  @Override
  protected void accumulate(int user, Accumulator acc) {
    int[] uPtr = train.userPtr();
    accumulateHistory(train.userItems(), binary ? null : train.userValues(), uPtr[user], uPtr[user + 1], acc);
  }

  /**
   * The one scoring loop of both paths: {@code acc[j] += w_p · sim(items[p], j)} for every trigger
   * p in {@code [from, to)} and every neighbour j of it; {@code w_p = 1} when {@code weights} is null.
   */
  private void accumulateHistory(int[] items, float[] weights, int from, int to, Accumulator acc) {
    int[] nPtr = neighbors.ptr();
    int[] nIds = neighbors.ids();
    float[] nSims = neighbors.sims();
    for (int p = from; p < to; p++) {
      int i = items[p];
      float w = weights == null ? 1f : weights[p];
      for (int q = nPtr[i]; q < nPtr[i + 1]; q++) {
        acc.add(nIds[q], w * nSims[q]);
      }
    }
  }

  /**
   * The training row's accumulation (as in {@link #recommend}) plus the extra triggers, each
   * weighted by the caller's weight, then the same selection and popularity top-up. Triggers with
   * a weight that is not positive are skipped, so evidence stays positive.
   */
  @Override
  public ScoredItems recommendFromHistory(int user, int[] items, float[] weights, int k, ItemFilter filter) {
    return select(accumulateFromHistory(user, items, weights), new TopK(Math.min(k, numItems())), filter);
  }

  /**
   * The touched items with evidence only: no popularity top-up, so the filter is never asked about
   * the fill that {@link #recommendFromHistory} would add and the caller drop.
   */
  @Override
  public ScoredItems evidenceFromHistory(int user, int[] items, float[] weights, int k, ItemFilter filter) {
    int cap = Math.min(k, numItems());
    Accumulator acc = accumulateFromHistory(user, items, weights);
    // First the best items by score alone, half as many again as asked (no filter: a serving filter
    // looks up each item by external id, a cache miss or more per call), then the filter in that
    // order until k pass: the same k as filtering every item, with about k filter calls instead of
    // k·(1 + ln(touched / k)). The pre-selection is a linear-time selection over (score, id) keys and
    // a sort of the selected few, not a heap. Only when too many of them are rejected does the full
    // pass below run.
    if (cap > 0) {
      long[] keys = KEYS.get();
      if (keys.length < acc.count()) {
        keys = new long[Math.max(acc.count(), 2 * keys.length)];
        KEYS.set(keys);
      }
      int positive = 0;
      for (int n = 0; n < acc.count(); n++) {
        int item = acc.touched(n);
        float v = acc.value(item);
        if (v > 0f) {
          keys[positive++] = key(item, v);
        }
      }
      int wide = (int) Math.min(positive, cap + (long) (cap >> 1) + 16);
      selectSmallest(keys, positive, wide);
      Arrays.sort(keys, 0, wide);
      int[] ids = new int[Math.min(cap, wide)];
      float[] scores = new float[ids.length];
      int passed = 0;
      for (int r = 0; r < wide && passed < cap; r++) {
        int item = (int) keys[r];
        if (filter.accept(item)) {
          ids[passed] = item;
          scores[passed++] = Float.intBitsToFloat(Integer.MAX_VALUE - (int) (keys[r] >>> 32));
        }
      }
      if (passed == cap || wide == positive) {
        return passed == ids.length ? new ScoredItems(ids, scores) : new ScoredItems(Arrays.copyOf(ids, passed), Arrays.copyOf(scores, passed));
      }
    }
    TopK top = new TopK(cap);
    for (int n = 0; n < acc.count(); n++) {
      int item = acc.touched(n);
      float v = acc.value(item);
      if (v > 0f && top.admits(item, v) && filter.accept(item)) {
        top.offer(item, v);
      }
    }
    return top.drain();
  }

  private static final ThreadLocal<long[]> KEYS = ThreadLocal.withInitial(() -> new long[1024]);

  /** Ascending keys order by score descending, then id ascending (as {@link TopK}); {@code v > 0}, so its bits grow with it. */
  static long key(int item, float v) {
    return ((long) (Integer.MAX_VALUE - Float.floatToRawIntBits(v)) << 32) | (item & 0xFFFFFFFFL);
  }

  /** Moves the {@code m} smallest of {@code a[0, n)} to {@code a[0, m)}, in no order (Hoare's quickselect, median-of-three pivots). */
  static void selectSmallest(long[] a, int n, int m) {
    int lo = 0;
    int hi = n - 1;
    int target = m - 1;
    while (target >= 0 && hi > lo) {
      int mid = (lo + hi) >>> 1;
      long x = a[lo];
      long y = a[mid];
      long z = a[hi];
      long p = x < y ? (y < z ? y : Math.max(x, z)) : (x < z ? x : Math.max(y, z));
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < p) {
          i++;
        }
        while (a[j] > p) {
          j--;
        }
        if (i <= j) {
          long t = a[i];
          a[i++] = a[j];
          a[j--] = t;
        }
      }
      if (target <= j) {
        hi = j;
      } else if (target >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }

  private Accumulator accumulateFromHistory(int user, int[] items, float[] weights) {
    if (items.length != weights.length) {
      throw new IllegalArgumentException("trigger items (" + items.length + ") and weights (" + weights.length + ") differ in length");
    }
    int n = numItems();
    int[] ids = new int[items.length];
    float[] ws = new float[items.length];
    int m = 0;
    for (int p = 0; p < items.length; p++) {
      if (items[p] < 0 || items[p] >= n) {
        throw new IllegalArgumentException("trigger item " + items[p] + " out of range [0, " + n + ")");
      }
      if (weights[p] > 0f && weights[p] < Float.POSITIVE_INFINITY) {
        ids[m] = items[p];
        ws[m++] = weights[p];
      }
    }
    Accumulator acc = clearedScratch();
    if (user >= 0) {
      if (user >= numUsers()) {
        throw new IllegalArgumentException("user " + user + " out of range [0, " + numUsers() + ")");
      }
      accumulate(user, acc);
    }
    accumulateHistory(ids, ws, 0, m, acc);
    return acc;
  }

  @Override
  public boolean knowsUser(int user) {
    return train.userDegree(user) > 0;
  }

  /**
   * The item's neighbour list passing the filter, best first; when fewer than k pass, topped up
   * with the most popular remaining items (scores in [-1, 0), below every neighbour).
   */
  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    TopK top = new TopK(Math.min(k, Math.max(0, numItems() - 1)));
    int[] nPtr = neighbors.ptr();
    int[] nIds = neighbors.ids();
    float[] nSims = neighbors.sims();
    java.util.BitSet listed = new java.util.BitSet();
    for (int q = nPtr[item]; q < nPtr[item + 1]; q++) {
      int j = nIds[q];
      listed.set(j);
      if (j != item && filter.accept(j)) {
        top.offer(j, nSims[q]);
      }
    }
    listed.set(item);
    fallback.topUp(top, filter, listed::get);
    return top.drain();
  }
}
