package dev.funnel.recall.neighbors;

import dev.funnel.data.Interactions;
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
 *
 * <p>Payload: the {@link NeighborLists} (rows = items).
 */
public final class ItemNeighborModel extends NeighborhoodModel {
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
    int[] uItems = train.userItems();
    float[] uValues = train.userValues();
    int[] nPtr = neighbors.ptr();
    int[] nIds = neighbors.ids();
    float[] nSims = neighbors.sims();
    for (int p = uPtr[user]; p < uPtr[user + 1]; p++) {
      int i = uItems[p];
      float w = binary ? 1f : uValues[p];
      for (int q = nPtr[i]; q < nPtr[i + 1]; q++) {
        acc.add(nIds[q], w * nSims[q]);
      }
    }
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
