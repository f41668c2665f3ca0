package dev.funnel.recall.simplex;

import dev.funnel.data.Interactions;
import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.EmbeddingModel;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A trained SimpleX model, kept in serving form: the unit-length user tower outputs (no dropout) and
 * the unit-length item vectors, so the cosine score is a plain inner product and the tables can go
 * behind an inner-product ANN index as they are. Immutable.
 */
public final class SimplexModel implements EmbeddingModel {
  private final SimplexConfig config;
  private final Interactions train;
  private final int dim;
  private final float[] userVectors;
  private final float[] itemVectors;

  SimplexModel(SimplexConfig config, Interactions train, int dim, float[] userVectors, float[] itemVectors) {
    this.config = config;
    this.train = train;
    this.dim = dim;
    this.userVectors = userVectors;
    this.itemVectors = itemVectors;
  }

  /** Runs the user tower over every user and normalises both tables. */
  static SimplexModel fromTables(SimplexConfig config, Interactions train, int dim, float[] userTable,
      float[] itemTable, float[] v, float gamma) {
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    int[] ptr = train.userPtr();
    int[] history = train.userItems();
    float[] users = new float[numUsers * dim];
    float[] mean = new float[dim];
    for (int u = 0; u < numUsers; u++) {
      BehaviorAggregator.forward(userTable, u * dim, itemTable, history, ptr[u], ptr[u + 1], v, gamma, dim, mean, 0,
          users, u * dim);
    }
    float[] items = itemTable.clone();
    normaliseRows(users, numUsers, dim);
    normaliseRows(items, numItems, dim);
    return new SimplexModel(config, train, dim, users, items);
  }

  private static void normaliseRows(float[] table, int rows, int dim) {
    VectorKernels k = Kernels.get();
    for (int r = 0; r < rows; r++) {
      float n = k.norm(table, r * dim, dim);
      if (n > 0) {
        k.scale(1f / n, table, r * dim, dim);
      }
    }
  }

  @Override
  public String algorithm() {
    return Simplex.NAME;
  }

  @Override
  public SimplexConfig config() {
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
  public int dim() {
    return dim;
  }

  /** A copy of the unit-length user tower outputs, row-major. */
  @Override
  public float[] userVectors() {
    return userVectors.clone();
  }

  /** A copy of the unit-length item vectors, row-major. */
  @Override
  public float[] itemVectors() {
    return itemVectors.clone();
  }

  /** Cosine of the user tower output with every item. */
  @Override
  public void scoreUser(int user, float[] out) {
    Kernels.get().dotRows(userVectors, user * dim, itemVectors, 0, train.numItems(), dim, out, 0);
  }

  /** A user without training items has only its random initial vector, so its scores mean nothing. */
  @Override
  public boolean knowsUser(int user) {
    return train.userDegree(user) > 0;
  }

  /** Cosine similarity of item vectors. */
  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    float[] scores = new float[train.numItems()];
    Kernels.get().dotRows(itemVectors, item * dim, itemVectors, 0, train.numItems(), dim, scores, 0);
    scores[item] = Float.NEGATIVE_INFINITY;
    return TopK.select(scores, k, filter);
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    out.writeInt(dim);
    BinaryIO.writeFloats(out, userVectors);
    BinaryIO.writeFloats(out, itemVectors);
  }
}
