package dev.funnel.recall.neighbors;

import dev.funnel.data.Interactions;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * What every neighbourhood model shares: a user's scores are a sparse sum over neighbour lists
 * (subclasses write that one loop, {@link #accumulate}), items without evidence get the
 * {@link PopularityFallback} score, and serving accumulates only the touched items and tops up
 * with popular ones. Dense scoring ({@link #scoreUser}, used by full-sort evaluation) runs the same
 * accumulation, so both paths give bit-identical scores and the same ranking.
 *
 * <p>Payload: the {@link NeighborLists}.
 */
public abstract class NeighborhoodModel implements RecallModel {
  private final String algorithm;
  private final Record config;
  protected final Interactions train;
  protected final NeighborLists neighbors;
  protected final PopularityFallback fallback;
  /** Per-thread scratch, so a request allocates no catalogue-sized arrays; cleared before each use. */
  private final ThreadLocal<Accumulator> scratch;

  protected NeighborhoodModel(String algorithm, Record config, Interactions train, NeighborLists neighbors, int expectedRows) {
    if (neighbors.rows() != expectedRows) {
      throw new IllegalArgumentException("neighbour lists have " + neighbors.rows() + " rows; " + algorithm + " needs " + expectedRows);
    }
    this.algorithm = algorithm;
    this.config = config;
    this.train = train;
    this.neighbors = neighbors;
    this.fallback = new PopularityFallback(train);
    int numItems = train.numItems();
    this.scratch = ThreadLocal.withInitial(() -> new Accumulator(numItems));
  }

  /** Adds the user's evidence for every item it touches into {@code acc} (which starts cleared). */
  protected abstract void accumulate(int user, Accumulator acc);

  public NeighborLists neighbors() {
    return neighbors;
  }

  @Override
  public String algorithm() {
    return algorithm;
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
    Accumulator acc = clearedScratch();
    accumulate(user, acc);
    Arrays.fill(out, 0, numItems(), 0f);
    for (int n = 0; n < acc.count(); n++) {
      int item = acc.touched(n);
      out[item] = acc.value(item);
    }
    fallback.fillMissing(out);
  }

  @Override
  public ScoredItems recommend(int user, int k, ItemFilter filter) {
    return recommend(user, filter, clearedScratch(), new TopK(Math.min(k, numItems())));
  }

  @Override
  public ScoredItems[] recommendBatch(int[] users, int k, ItemFilter filter) {
    ScoredItems[] out = new ScoredItems[users.length];
    TopK top = new TopK(Math.min(k, numItems()));
    for (int n = 0; n < users.length; n++) {
      top.clear();
      out[n] = recommend(users[n], filter, clearedScratch(), top);
    }
    return out;
  }

  private ScoredItems recommend(int user, ItemFilter filter, Accumulator acc, TopK top) {
    accumulate(user, acc);
    return select(acc, top, filter);
  }

  /**
   * The best items of an accumulation: touched items with their evidence, topped up with popular
   * ones (the same selection as {@link #recommend}, for subclasses that accumulate otherwise).
   */
  protected final ScoredItems select(Accumulator acc, TopK top, ItemFilter filter) {
    fallback.offerTouched(acc, top, filter);
    fallback.topUp(top, filter, acc);
    return top.drain();
  }

  /** This thread's accumulator, cleared. */
  protected final Accumulator clearedScratch() {
    Accumulator acc = scratch.get();
    acc.clear();
    return acc;
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    neighbors.writeTo(out);
  }
}
