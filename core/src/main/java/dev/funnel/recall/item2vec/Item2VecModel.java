package dev.funnel.recall.item2vec;

import dev.funnel.data.Interactions;
import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.EmbeddingModel;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.neighbors.ItemNeighborModel;
import dev.funnel.recall.neighbors.NeighborLists;
import dev.funnel.util.Parallel;
import dev.funnel.util.TopK;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A trained item2vec / EGES model. Similar items are the nearest input vectors by cosine (an item
 * nothing was learned about has a zero vector and no neighbours). A user is scored from their training
 * items by {@link Item2VecConfig.Scoring}: COSINE, the mean cosine with the history's input vectors, or
 * CONTEXT, {@code sum over h of input(h) . output(i)}, the skip-gram's own log-odds that i occurs
 * beside the history (it keeps the popularity the output vectors learn). Immutable.
 */
public final class Item2VecModel implements EmbeddingModel {
  private final Item2VecConfig config;
  private final Interactions train;
  private final int dim;
  private final float[] input;
  private final float[] output;
  /** Unit-length input vectors: the similarity space. */
  private final float[] unitInput;
  private final float[] itemVectors;
  private final float[] userVectors;
  private final SideInformation side;
  /** Items the scoring has a vector for; the rest score negative infinity (never recommended). */
  private final boolean[] known;
  /** The i2i table scored like ItemCF (NEIGHBORS scoring), else null. */
  private final ItemNeighborModel neighborModel;

  /**
   * @param input item input vectors (EGES: through the attention layer; cold items from side information)
   * @param output item output (context) vectors
   */
  Item2VecModel(Item2VecConfig config, Interactions train, int dim, float[] input, float[] output, SideInformation side,
      int threads) {
    this.config = config;
    this.train = train;
    this.dim = dim;
    this.input = input;
    this.output = output;
    this.side = side;
    VectorKernels k = Kernels.get();
    int numItems = train.numItems();
    this.unitInput = input.clone();
    if (config.center()) {
      // All-but-the-top (Mu and Viswanath, ICLR 2018): skip-gram vectors share a large common direction
      // that makes every item look alike; removing the mean of the trained items' vectors exposes
      // what distinguishes them.
      float[] mean = new float[dim];
      int trained = 0;
      for (int i = 0; i < numItems; i++) {
        if (train.itemDegree(i) > 0) {
          k.axpy(1f, input, i * dim, mean, 0, dim);
          trained++;
        }
      }
      if (trained > 0) {
        k.scale(1f / trained, mean, 0, dim);
        for (int i = 0; i < numItems; i++) {
          if (k.sumOfSquares(input, i * dim, dim) > 0) {
            k.axpy(-1f, mean, 0, unitInput, i * dim, dim);
          }
        }
      }
    }
    for (int i = 0; i < numItems; i++) {
      float norm = k.norm(unitInput, i * dim, dim);
      if (norm > 0) {
        k.scale(1f / norm, unitInput, i * dim, dim);
      }
    }
    boolean cosine = config.scoring() == Item2VecConfig.Scoring.COSINE;
    boolean context = config.scoring() == Item2VecConfig.Scoring.CONTEXT;
    this.itemVectors = cosine ? unitInput : context ? output : input;
    float[] history = cosine ? unitInput : input;
    this.known = new boolean[numItems];
    for (int i = 0; i < numItems; i++) {
      // CONTEXT needs a trained output vector; the others an input vector (EGES gives cold items one).
      known[i] = context ? train.itemDegree(i) > 0 : k.sumOfSquares(unitInput, i * dim, dim) > 0;
    }
    this.neighborModel = config.scoring() == Item2VecConfig.Scoring.NEIGHBORS
        ? new ItemNeighborModel(Item2Vec.NAME, config, train, neighborLists(unitInput, numItems, dim, config.neighbors(), threads), true)
        : null;
    int numUsers = train.numUsers();
    this.userVectors = new float[numUsers * dim];
    int[] ptr = train.userPtr();
    int[] items = train.userItems();
    for (int u = 0; u < numUsers; u++) {
      int n = ptr[u + 1] - ptr[u];
      for (int p = ptr[u]; p < ptr[u + 1]; p++) {
        k.axpy(cosine ? 1f / n : 1f, history, items[p] * dim, userVectors, u * dim, dim);
      }
    }
  }

  @Override
  public String algorithm() {
    return Item2Vec.NAME;
  }

  @Override
  public Item2VecConfig config() {
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

  @Override
  public float[] userVectors() {
    return userVectors.clone();
  }

  @Override
  public float[] itemVectors() {
    return itemVectors.clone();
  }

  /** A copy of the unit-length input vectors that {@link #similarItems} compares (row-major). */
  public float[] itemVectorsForSimilarity() {
    return unitInput.clone();
  }

  /**
   * The unit input vector (the similarity space) of an item that is not in the model, from its side information (EGES): field
   * name -> value names, e.g. {@code {"genre": ["Comedy", "Drama"]}}. Null when the model has no side
   * information or none of the values is known.
   */
  public float[] vectorForFeatures(Map<String, List<String>> features) {
    if (side == null) {
      return null;
    }
    float[] v = side.vectorFor(features);
    if (v == null) {
      return null;
    }
    float norm = Kernels.get().norm(v, 0, dim);
    if (norm == 0) {
      return null;
    }
    Kernels.get().scale(1f / norm, v, 0, dim);
    return v;
  }

  /** Each item's top {@code n} items by cosine (positive only), in parallel over items. */
  private static NeighborLists neighborLists(float[] unit, int numItems, int dim, int n, int threads) {
    int[][] ids = new int[numItems][];
    float[][] sims = new float[numItems][];
    float[][] scratch = new float[threads][];
    Parallel.forRange(numItems, threads, 64, (worker, from, to) -> {
      if (scratch[worker] == null) {
        scratch[worker] = new float[numItems];
      }
      float[] scores = scratch[worker];
      for (int i = from; i < to; i++) {
        Kernels.get().dotRows(unit, i * dim, unit, 0, numItems, dim, scores, 0);
        scores[i] = Float.NEGATIVE_INFINITY;
        ScoredItems top = TopK.select(scores, n, item -> scores[item] > 0);
        ids[i] = top.items();
        sims[i] = top.scores();
      }
    });
    return NeighborLists.of(ids, sims);
  }

  @Override
  public ScoredItems recommend(int user, int k, ItemFilter filter) {
    return neighborModel != null ? neighborModel.recommend(user, k, filter) : EmbeddingModel.super.recommend(user, k, filter);
  }

  @Override
  public ScoredItems[] recommendBatch(int[] users, int k, ItemFilter filter) {
    return neighborModel != null ? neighborModel.recommendBatch(users, k, filter)
        : EmbeddingModel.super.recommendBatch(users, k, filter);
  }

  @Override
  public void scoreUser(int user, float[] out) {
    if (neighborModel != null) {
      neighborModel.scoreUser(user, out);
      return;
    }
    int numItems = train.numItems();
    Kernels.get().dotRows(userVectors, user * dim, itemVectors, 0, numItems, dim, out, 0);
    for (int i = 0; i < numItems; i++) {
      if (!known[i]) {
        out[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  @Override
  public boolean knowsUser(int user) {
    return train.userDegree(user) > 0;
  }

  /** Cosine similarity of the item vectors; an item with no vector has no similar items. */
  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    int numItems = train.numItems();
    float[] scores = new float[numItems];
    Kernels.get().dotRows(unitInput, item * dim, unitInput, 0, numItems, dim, scores, 0);
    if (Kernels.get().sumOfSquares(unitInput, item * dim, dim) == 0f) {
      java.util.Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    }
    scores[item] = Float.NEGATIVE_INFINITY;
    return TopK.select(scores, k, filter);
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    out.writeInt(dim);
    BinaryIO.writeFloats(out, input);
    BinaryIO.writeFloats(out, output);
    out.writeBoolean(side != null);
    if (side != null) {
      side.writeTo(out);
    }
  }
}
