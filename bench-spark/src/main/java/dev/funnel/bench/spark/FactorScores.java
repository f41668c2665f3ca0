package dev.funnel.bench.spark;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import dev.funnel.recall.EmbeddingModel;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;
import java.io.DataOutput;

/** Factors trained elsewhere (a peer system), scored by inner product so Funnel's evaluator can rank with them. */
final class FactorScores implements EmbeddingModel {
  private final String name;
  private final Interactions train;
  private final int dim;
  private final float[] users;
  private final float[] items;

  FactorScores(String name, Interactions train, int dim, float[] users, float[] items) {
    this.name = name;
    this.train = train;
    this.dim = dim;
    this.users = users;
    this.items = items;
  }

  @Override
  public String algorithm() {
    return name;
  }

  @Override
  public Record config() {
    return null;
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
  public int dim() {
    return dim;
  }

  @Override
  public float[] userVectors() {
    return users.clone();
  }

  @Override
  public float[] itemVectors() {
    return items.clone();
  }

  @Override
  public void scoreUser(int user, float[] out) {
    Kernels.get().dotRows(users, user * dim, items, 0, train.numItems(), dim, out, 0);
  }

  @Override
  public boolean knowsUser(int user) {
    return train.userDegree(user) > 0;
  }

  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    float[] scores = new float[train.numItems()];
    Kernels.get().dotRows(items, item * dim, items, 0, train.numItems(), dim, scores, 0);
    scores[item] = Float.NEGATIVE_INFINITY;
    return TopK.select(scores, k, filter);
  }

  @Override
  public void writePayload(DataOutput out) {
    throw new UnsupportedOperationException("peer factors are evaluated in memory, never saved");
  }
}
