package dev.funnel.recall.usercf;

import dev.funnel.data.Interactions;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.neighbors.Accumulator;
import dev.funnel.recall.neighbors.NeighborLists;
import dev.funnel.recall.neighbors.PopularityFallback;
import dev.funnel.util.TopK;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Scores {@code score(u, j) = sum over v in N(u) with j in I_v of sim(u, v) · w(v, j)} (w = 1 when
 * binary, else the stored value); items without evidence get the {@link PopularityFallback} score.
 *
 * <p>{@link #similarItems} has no user-user answer, so it computes item-item cosine by
 * co-occurrence on the fly from the training matrix,
 * {@code |U_i ∩ U_j| / (sqrt(|U_i| |U_j|) + shrink)} with the model's shrink, in
 * O(sum over u in U_i of |I_u|) per call, topped up with popular items when fewer than k pass the
 * filter. Nothing extra is stored. Payload: the user {@link NeighborLists}.
 */
public final class UserCFModel implements RecallModel {
  private final UserCFConfig config;
  private final Interactions train;
  private final NeighborLists neighbors;
  private final PopularityFallback fallback;
  /** Per-thread scratch, so a request allocates no catalogue-sized arrays; cleared before each use. */
  private final ThreadLocal<Accumulator> scratch;

  UserCFModel(UserCFConfig config, Interactions train, NeighborLists neighbors) {
    if (neighbors.rows() != train.numUsers()) {
      throw new IllegalArgumentException("neighbour lists have " + neighbors.rows() + " rows for " + train.numUsers() + " users");
    }
    this.config = config;
    this.train = train;
    this.neighbors = neighbors;
    this.fallback = new PopularityFallback(train);
    int numItems = train.numItems();
    this.scratch = ThreadLocal.withInitial(() -> new Accumulator(numItems));
  }

  public NeighborLists neighbors() {
    return neighbors;
  }

  @Override
  public String algorithm() {
    return UserCF.NAME;
  }

  @Override
  public Record config() {
    return config;
  }

  @Override
  public int numUsers() {
    return train.numUsers();
  }

  @Override
  public int numItems() {
    return train.numItems();
  }

  @Override
  public void scoreUser(int user, float[] out) {
    Arrays.fill(out, 0, numItems(), 0f);
    int[] uPtr = train.userPtr();
    int[] uItems = train.userItems();
    float[] uValues = train.userValues();
    int[] nPtr = neighbors.ptr();
    int[] nIds = neighbors.ids();
    float[] nSims = neighbors.sims();
    boolean binary = config.binary();
    for (int q = nPtr[user]; q < nPtr[user + 1]; q++) {
      int v = nIds[q];
      float s = nSims[q];
      for (int p = uPtr[v]; p < uPtr[v + 1]; p++) {
        out[uItems[p]] += binary ? s : s * uValues[p];
      }
    }
    fallback.fillMissing(out);
  }

  @Override
  public boolean knowsUser(int user) {
    return neighbors.size(user) > 0;
  }

  @Override
  public ScoredItems recommend(int user, int k, ItemFilter filter) {
    Accumulator acc = scratch.get();
    acc.clear();
    return recommend(user, filter, acc, new TopK(Math.min(k, numItems())));
  }

  @Override
  public ScoredItems[] recommendBatch(int[] users, int k, ItemFilter filter) {
    ScoredItems[] out = new ScoredItems[users.length];
    Accumulator acc = scratch.get();
    TopK top = new TopK(Math.min(k, numItems()));
    for (int n = 0; n < users.length; n++) {
      acc.clear();
      top.clear();
      out[n] = recommend(users[n], filter, acc, top);
    }
    return out;
  }

  private ScoredItems recommend(int user, ItemFilter filter, Accumulator acc, TopK top) {
    int[] uPtr = train.userPtr();
    int[] uItems = train.userItems();
    float[] uValues = train.userValues();
    int[] nPtr = neighbors.ptr();
    int[] nIds = neighbors.ids();
    float[] nSims = neighbors.sims();
    boolean binary = config.binary();
    // Same summation order as scoreUser, so scores and ranking are identical.
    for (int q = nPtr[user]; q < nPtr[user + 1]; q++) {
      int v = nIds[q];
      float s = nSims[q];
      for (int p = uPtr[v]; p < uPtr[v + 1]; p++) {
        acc.add(uItems[p], binary ? s : s * uValues[p]);
      }
    }
    fallback.offerTouched(acc, top, filter);
    fallback.topUp(top, filter, acc);
    return top.drain();
  }

  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    int numItems = numItems();
    Accumulator acc = scratch.get();
    acc.clear();
    int[] uPtr = train.userPtr();
    int[] uItems = train.userItems();
    int[] iPtr = train.itemPtr();
    int[] iUsers = train.itemUsers();
    for (int q = iPtr[item]; q < iPtr[item + 1]; q++) {
      int u = iUsers[q];
      for (int p = uPtr[u]; p < uPtr[u + 1]; p++) {
        acc.add(uItems[p], 1f);
      }
    }
    TopK top = new TopK(Math.min(k, Math.max(0, numItems - 1)));
    double ni = train.itemDegree(item);
    double shrink = config.shrink();
    for (int n = 0; n < acc.count(); n++) {
      int j = acc.touched(n);
      if (j != item && filter.accept(j)) {
        top.offer(j, (float) (acc.value(j) / (Math.sqrt(ni * train.itemDegree(j)) + shrink)));
      }
    }
    acc.add(item, 0f);
    fallback.topUp(top, filter, acc);
    return top.drain();
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    neighbors.writeTo(out);
  }
}
