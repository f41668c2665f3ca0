package dev.funnel.recall.simplex;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.FactorModel;

/**
 * A trained SimpleX model, kept in serving form: the unit-length user tower outputs (no dropout) and
 * the unit-length item vectors, so the cosine score is a plain inner product and the tables can go
 * behind an inner-product ANN index as they are (item cosine needs no norms). A
 * user without training items has only its random initial vector, so its scores mean nothing.
 */
public final class SimplexModel extends FactorModel {
  private final SimplexConfig config;

  SimplexModel(SimplexConfig config, Interactions train, int dim, float[] userVectors, float[] itemVectors) {
    super(train, dim, userVectors, itemVectors, null, true);
    this.config = config;
  }

  /** Runs the user tower over every user and normalises both tables. */
  static SimplexModel fromTables(SimplexConfig config, Interactions train, int dim, float[] userTable,
      float[] itemTable, float[] v, float gamma) {
    return fromTables(config, train, dim, userTable, itemTable, itemTable, v, gamma);
  }

  /** As above, the towers averaging rows of {@code historyTable} (the item table itself, or one of their own). */
  static SimplexModel fromTables(SimplexConfig config, Interactions train, int dim, float[] userTable,
      float[] itemTable, float[] historyTable, float[] v, float gamma) {
    return fromTables(config, train, dim, userTable, itemTable, historyTable, v, null, null, gamma);
  }

  /**
   * As above, with the cross-attention tower's W_k and b when the config's aggregator is CROSS_ATTENTION
   * (null otherwise): every user attends over its whole history, its softmax padded as in training.
   */
  static SimplexModel fromTables(SimplexConfig config, Interactions train, int dim, float[] userTable,
      float[] itemTable, float[] historyTable, float[] v, float[] wk, float[] bk, float gamma) {
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    int[] ptr = train.userPtr();
    int[] history = train.userItems();
    float[] users = new float[numUsers * dim];
    float[] mean = new float[dim];
    if (config.aggregator() == SimplexAggregator.CROSS_ATTENTION) {
      if (wk == null || bk == null) {
        throw new IllegalArgumentException("the cross-attention tower needs W_k and b; aggregator="
            + config.aggregator());
      }
      int longest = 0;
      for (int u = 0; u < numUsers; u++) {
        longest = Math.max(longest, ptr[u + 1] - ptr[u]);
      }
      int padLength = config.attentionPadLength(longest);
      float[] rows = new float[Math.max(1, longest) * dim];
      float[] keys = new float[rows.length];
      float[] alpha = new float[Math.max(1, longest)];
      VectorKernels k = Kernels.get();
      for (int u = 0; u < numUsers; u++) {
        int n = ptr[u + 1] - ptr[u];
        CrossAttentionAggregator.forward(k, userTable, u * dim, historyTable, history, ptr[u], ptr[u + 1], wk, bk, v,
            gamma, SimplexConfig.attentionPad(padLength, n, n), dim, rows, keys, 0, alpha, 0, mean, 0, users, u * dim);
      }
    } else {
      for (int u = 0; u < numUsers; u++) {
        BehaviorAggregator.forward(userTable, u * dim, historyTable, history, ptr[u], ptr[u + 1], v, gamma, dim, mean,
            0, users, u * dim);
      }
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
}
