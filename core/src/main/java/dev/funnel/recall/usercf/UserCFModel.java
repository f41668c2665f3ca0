package dev.funnel.recall.usercf;

import dev.funnel.data.Interactions;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.neighbors.Accumulator;
import dev.funnel.recall.neighbors.NeighborLists;
import dev.funnel.recall.neighbors.NeighborhoodModel;
import dev.funnel.recall.neighbors.PopularityFallback;
import dev.funnel.util.TopK;

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
public final class UserCFModel extends NeighborhoodModel {
  private final UserCFConfig config;

  UserCFModel(UserCFConfig config, Interactions train, NeighborLists neighbors) {
    super(UserCF.NAME, config, train, neighbors, train.numUsers());
    this.config = config;
  }

  @Override
  protected void accumulate(int user, Accumulator acc) {
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
        acc.add(uItems[p], binary ? s : s * uValues[p]);
      }
    }
  }

  @Override
  public boolean knowsUser(int user) {
    return neighbors.size(user) > 0;
  }

  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    int numItems = numItems();
    Accumulator acc = clearedScratch();
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
}
