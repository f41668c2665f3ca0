package dev.funnel.recall;

import dev.funnel.data.Interactions;
import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.util.TopK;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Shared base of the factor models (MF-BPR, iALS, LightGCN, SimpleX): user and item tables
 * (row-major, {@code dim} floats per row) and an optional item bias, scored by inner product (+ bias).
 * Immutable; the arrays are never written after construction. A user without training items is not
 * known: its vector (random init or zero, depending on the model) carries no signal.
 */
public abstract class FactorModel implements EmbeddingModel {
  protected final Interactions train;
  protected final int dim;
  protected final float[] userVectors;
  protected final float[] itemVectors;
  /** Per-item bias, or null. */
  protected final float[] bias;
  /** 1/‖item‖ (0 for a zero row), or null when the item rows are unit length. */
  private final float[] inverseItemNorms;

  /**
   * @param unitItems the item rows are already unit length, so cosine is the plain inner product
   */
  protected FactorModel(Interactions train, int dim, float[] userVectors, float[] itemVectors, float[] bias,
      boolean unitItems) {
    this.train = train;
    this.dim = dim;
    this.userVectors = userVectors;
    this.itemVectors = itemVectors;
    this.bias = bias;
    if (unitItems) {
      this.inverseItemNorms = null;
    } else {
      VectorKernels k = Kernels.get();
      int numItems = train.numItems();
      this.inverseItemNorms = new float[numItems];
      for (int i = 0; i < numItems; i++) {
        float norm = k.norm(itemVectors, i * dim, dim);
        inverseItemNorms[i] = norm > 0 ? 1f / norm : 0f;
      }
    }
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

  /** A copy of the item bias, or null when the model has none. */
  @Override
  public float[] itemBias() {
    return bias == null ? null : bias.clone();
  }

  @Override
  public void scoreUser(int user, float[] out) {
    int numItems = train.numItems();
    Kernels.get().dotRows(userVectors, user * dim, itemVectors, 0, numItems, dim, out, 0);
    addBias(out, 0);
  }

  /** Adds the item bias (if any) to the row of item scores at {@code out[off..off+numItems)}. */
  private void addBias(float[] out, int off) {
    if (bias != null) {
      for (int i = 0, n = train.numItems(); i < n; i++) {
        out[off + i] += bias[i];
      }
    }
  }

  /**
   * One GEMM for the block (users x items), so the item table is read once per block instead of once
   * per user: full-sort evaluation of gowalla went from streaming 10 MB of item vectors per user to
   * compute-bound. Sums in the GEMM's order, so a score can differ from {@link #scoreUser}'s in its
   * last bit.
   */
  @Override
  public void scoreUsers(int from, int to, float[] out) {
    int numItems = train.numItems();
    java.util.Objects.checkFromToIndex(from, to, train.numUsers());
    int m = to - from;
    java.util.Arrays.fill(out, 0, m * numItems, 0f);
    Kernels.get().gemm(userVectors, from * dim, m, itemVectors, 0, numItems, dim, out, 0, numItems);
    for (int r = 0; r < m; r++) {
      addBias(out, r * numItems);
    }
  }

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
    if (inverseItemNorms != null) {
      float self = inverseItemNorms[item];
      for (int j = 0; j < numItems; j++) {
        scores[j] *= self * inverseItemNorms[j];
      }
    }
    scores[item] = Float.NEGATIVE_INFINITY;
    return TopK.select(scores, k, filter);
  }

  /** Writes the tables only; a model with more state overrides and appends it. */
  @Override
  public void writePayload(DataOutput out) throws IOException {
    writeTables(out);
  }

  /** Writes {@code dim}, the user table and the item table (the bias is the model's own business). */
  protected final void writeTables(DataOutput out) throws IOException {
    out.writeInt(dim);
    BinaryIO.writeFloats(out, userVectors);
    BinaryIO.writeFloats(out, itemVectors);
  }

  /** The tables as read by {@link #readTables}. */
  public record Tables(int dim, float[] userVectors, float[] itemVectors) {}

  /**
   * Reads what {@link #writeTables} wrote and checks it against the config's dim and the training
   * data's shape.
   *
   * @throws IOException when the sizes do not match, naming the algorithm, dim and sizes
   */
  public static Tables readTables(DataInput in, String algorithm, int expectedDim, Interactions train)
      throws IOException {
    int dim = in.readInt();
    float[] userVectors = BinaryIO.readFloats(in);
    float[] itemVectors = BinaryIO.readFloats(in);
    if (dim != expectedDim || userVectors.length != (long) train.numUsers() * dim
        || itemVectors.length != (long) train.numItems() * dim) {
      throw new IOException(algorithm + " payload does not match the model: dim=" + dim + " (config " + expectedDim
          + "), user floats=" + userVectors.length + ", item floats=" + itemVectors.length + " for "
          + train.numUsers() + " users and " + train.numItems() + " items");
    }
    return new Tables(dim, userVectors, itemVectors);
  }
}
