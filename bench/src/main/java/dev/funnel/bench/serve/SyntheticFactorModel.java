package dev.funnel.bench.serve;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.io.BinaryIO;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A stand-in for a matrix-factorisation model with random Gaussian factors, so the serving path can
 * be loaded with realistic per-request work (a dense dot product per item, then a filtered top-k)
 * without training anything. Users are "u0".."u{n-1}", items "i0".."i{m-1}"; each user has
 * {@code perUser} random training items. Benchmark-only: not registered, so its files cannot be read.
 */
final class SyntheticFactorModel implements RecallModel {
  /** The shape; recorded as the model's config. */
  record Shape(int users, int items, int dim, int perUser, long seed) {
    Shape {
      if (users < 1 || items < 1 || dim < 1 || perUser < 0 || perUser > items) {
        throw new IllegalArgumentException("bad synthetic shape " + users + " users, " + items + " items, dim " + dim + ", perUser " + perUser);
      }
    }
  }

  private static final int TILE = 2048;

  private final Shape shape;
  private final float[] userFactors;
  private final float[] itemFactors;

  private SyntheticFactorModel(Shape shape, float[] userFactors, float[] itemFactors) {
    this.shape = shape;
    this.userFactors = userFactors;
    this.itemFactors = itemFactors;
  }

  static SavedModel build(Shape shape) {
    SplittableRandom random = new SplittableRandom(shape.seed());
    float[] users = gaussian(random, shape.users() * shape.dim());
    float[] items = gaussian(random, shape.items() * shape.dim()); // dimension-major, see scoreAgainst
    IdMap userIds = new IdMap(shape.users());
    for (int u = 0; u < shape.users(); u++) {
      userIds.getOrAdd("u" + u);
    }
    IdMap itemIds = new IdMap(shape.items());
    for (int i = 0; i < shape.items(); i++) {
      itemIds.getOrAdd("i" + i);
    }
    int[] ptr = new int[shape.users() + 1];
    int[] cols = new int[shape.users() * shape.perUser()];
    for (int u = 0; u < shape.users(); u++) {
      int[] row = random.ints(0, shape.items()).distinct().limit(shape.perUser()).toArray();
      Arrays.sort(row);
      System.arraycopy(row, 0, cols, u * shape.perUser(), row.length);
      ptr[u + 1] = ptr[u] + row.length;
    }
    Interactions train = new Interactions(shape.users(), shape.items(), ptr, cols, new float[cols.length], new long[cols.length]);
    return SavedModel.of(new SyntheticFactorModel(shape, users, items), userIds, itemIds, train);
  }

  private static float[] gaussian(SplittableRandom random, int n) {
    float[] out = new float[n];
    for (int k = 0; k < n; k++) {
      // Box-Muller; one of the pair is enough here.
      double u1 = 1.0 - random.nextDouble();
      double u2 = random.nextDouble();
      out[k] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2) * 0.1);
    }
    return out;
  }

  @Override
  public String algorithm() {
    return "synthetic-factors";
  }

  @Override
  public Record config() {
    return shape;
  }

  @Override
  public int numUsers() {
    return shape.users();
  }

  @Override
  public int numItems() {
    return shape.items();
  }

  @Override
  public void scoreUser(int user, float[] out) {
    scoreAgainst(userFactors, user * shape.dim(), out);
  }

  /**
   * Dot products with every item, one factor dimension at a time: item factors are stored
   * dimension-major ({@code itemFactors[d * numItems + i]}), so the inner loop is an axpy over
   * contiguous floats that C2 vectorizes (a per-item dot product is a float reduction it will not).
   */
  private void scoreAgainst(float[] query, int offset, float[] out) {
    int dim = shape.dim();
    int n = out.length;
    Arrays.fill(out, 0f);
    // Tiles of items so the partial sums stay in L1 while every dimension is added in.
    for (int from = 0; from < n; from += TILE) {
      int to = Math.min(n, from + TILE);
      for (int d = 0; d < dim; d++) {
        float q = query[offset + d];
        int base = d * n;
        for (int i = from; i < to; i++) {
          out[i] += q * itemFactors[base + i];
        }
      }
    }
  }

  @Override
  public boolean knowsUser(int user) {
    return true;
  }

  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    float[] query = new float[shape.dim()];
    for (int d = 0; d < query.length; d++) {
      query[d] = itemFactors[d * numItems() + item];
    }
    float[] scores = new float[numItems()];
    scoreAgainst(query, 0, scores);
    scores[item] = Float.NEGATIVE_INFINITY;
    return TopK.select(scores, k, filter);
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    BinaryIO.writeFloats(out, userFactors);
    BinaryIO.writeFloats(out, itemFactors);
  }
}
