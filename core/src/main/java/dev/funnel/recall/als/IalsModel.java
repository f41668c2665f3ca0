package dev.funnel.recall.als;

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
 * A trained iALS model: user and item factors (row-major, {@code dim} floats per row); the score is
 * their inner product. Immutable; the arrays are never written after construction.
 */
public final class IalsModel implements EmbeddingModel {
  private final IalsConfig config;
  private final Interactions train;
  private final int dim;
  private final float[] userVectors;
  private final float[] itemVectors;
  private final float[] inverseItemNorms;

  IalsModel(IalsConfig config, Interactions train, int dim, float[] userVectors, float[] itemVectors) {
    this.config = config;
    this.train = train;
    this.dim = dim;
    this.userVectors = userVectors;
    this.itemVectors = itemVectors;
    VectorKernels k = Kernels.get();
    int numItems = train.numItems();
    this.inverseItemNorms = new float[numItems];
    for (int i = 0; i < numItems; i++) {
      float norm = k.norm(itemVectors, i * dim, dim);
      inverseItemNorms[i] = norm > 0 ? 1f / norm : 0f;
    }
  }

  @Override
  public String algorithm() {
    return Ials.NAME;
  }

  @Override
  public IalsConfig config() {
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

  /** A copy of the user table, row-major: user u is {@code [u*dim, (u+1)*dim)}. */
  @Override
  public float[] userVectors() {
    return userVectors.clone();
  }

  /** A copy of the item table, row-major: item i is {@code [i*dim, (i+1)*dim)}. */
  @Override
  public float[] itemVectors() {
    return itemVectors.clone();
  }

  @Override
  public void scoreUser(int user, float[] out) {
    int numItems = train.numItems();
    Kernels.get().dotRows(userVectors, user * dim, itemVectors, 0, numItems, dim, out, 0);
  }

  /** Users without training items have the zero vector: every score is 0. */
  @Override
  public boolean knowsUser(int user) {
    return train.userDegree(user) > 0;
  }

  /** Cosine similarity of item vectors. */
  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    int numItems = train.numItems();
    float[] scores = new float[numItems];
    Kernels.get().dotRows(itemVectors, item * dim, itemVectors, 0, numItems, dim, scores, 0);
    float self = inverseItemNorms[item];
    for (int j = 0; j < numItems; j++) {
      scores[j] *= self * inverseItemNorms[j];
    }
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
