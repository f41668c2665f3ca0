package dev.funnel.recall.item2vec;

import dev.funnel.data.IdMap;
import dev.funnel.data.ItemFeatures;
import dev.funnel.io.BinaryIO;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The EGES input layer (Wang et al., "Billion-scale Commodity Embedding for E-commerce
 * Recommendation in Alibaba", KDD 2018, eq. 6): item v's input vector is
 *
 * <pre>
 *   H_v = sum_j exp(a_v^j) W_j(v) / sum_j exp(a_v^j)      j = 0 (the item's id) .. F (its feature fields)
 * </pre>
 *
 * where {@code W_0(v)} is the id embedding and {@code W_j(v)}, j &gt;= 1, the mean of the embeddings
 * of v's values in field j (a multi-valued field, e.g. several genres, is pooled by its mean; a field
 * the item has no value in is left out of the sum). The attention logits {@code a_v} are learned per
 * item. A cold item (features but no interactions) takes the plain mean of its fields' vectors, as
 * the paper does.
 *
 * <p>Updates follow the ascent step {@code dH} of the skip-gram: {@code W_j += alpha_j dH} (split
 * evenly over a field's values) and {@code a_v^j += alpha_j (W_j(v) - H_v) . dH}.
 */
final class SideInformation {
  private final int dim;
  private final String[] fieldNames;
  private final IdMap[] valueNames;
  private final int[][] itemPtr;
  private final int[][] itemValues;
  /** Per field, its value table: values x dim, row-major. */
  final float[][] tables;
  /** numItems x (fields + 1) attention logits; column 0 is the id embedding. */
  final float[] logits;

  private SideInformation(int dim, String[] fieldNames, IdMap[] valueNames, int[][] itemPtr, int[][] itemValues,
      float[][] tables, float[] logits) {
    this.dim = dim;
    this.fieldNames = fieldNames;
    this.valueNames = valueNames;
    this.itemPtr = itemPtr;
    this.itemValues = itemValues;
    this.tables = tables;
    this.logits = logits;
  }

  /** Fresh tables for the dataset's fields; value vectors uniform in [-init, init), logits zero. */
  static SideInformation init(ItemFeatures features, int dim, double init, dev.funnel.train.WorkerRandom random) {
    List<ItemFeatures.Field> fields = features.fields();
    int f = fields.size();
    String[] names = new String[f];
    IdMap[] values = new IdMap[f];
    int[][] ptr = new int[f][];
    int[][] ids = new int[f][];
    float[][] tables = new float[f][];
    for (int j = 0; j < f; j++) {
      ItemFeatures.Field field = fields.get(j);
      names[j] = field.name();
      values[j] = field.values();
      ptr[j] = field.itemPtr();
      ids[j] = field.valueIds();
      tables[j] = new float[field.values().size() * dim];
      for (int p = 0; p < tables[j].length; p++) {
        tables[j][p] = (float) ((random.nextDouble() * 2 - 1) * init);
      }
    }
    return new SideInformation(dim, names, values, ptr, ids, tables, new float[features.numItems() * (f + 1)]);
  }

  int fields() {
    return fieldNames.length;
  }

  /**
   * Writes H_v into {@code h} and the attention weights into {@code alpha} (length fields+1; 0 for
   * an absent field).
   */
  void forward(int item, float[] ids, float[] h, float[] alpha) {
    int f = fieldNames.length;
    int base = item * (f + 1);
    double max = logits[base];
    for (int j = 1; j <= f; j++) {
      if (present(j - 1, item)) {
        max = Math.max(max, logits[base + j]);
      }
    }
    double sum = 0;
    for (int j = 0; j <= f; j++) {
      alpha[j] = j == 0 || present(j - 1, item) ? (float) Math.exp(logits[base + j] - max) : 0f;
      sum += alpha[j];
    }
    java.util.Arrays.fill(h, 0, dim, 0f);
    for (int j = 0; j <= f; j++) {
      alpha[j] /= (float) sum;
      if (alpha[j] != 0f) {
        addField(j, item, ids, alpha[j], h);
      }
    }
  }

  /** Applies the ascent step {@code dh} to everything H_v was made of (see the class comment). */
  void backward(int item, float[] ids, float[] h, float[] alpha, float[] dh, float[] scratch) {
    int f = fieldNames.length;
    int base = item * (f + 1);
    for (int j = 0; j <= f; j++) {
      if (alpha[j] == 0f) {
        continue;
      }
      java.util.Arrays.fill(scratch, 0, dim, 0f);
      addField(j, item, ids, 1f, scratch); // W_j(v)
      double g = 0;
      for (int d = 0; d < dim; d++) {
        g += (scratch[d] - h[d]) * dh[d];
      }
      logits[base + j] += (float) (alpha[j] * g);
      if (j == 0) {
        int off = item * dim;
        for (int d = 0; d < dim; d++) {
          ids[off + d] += alpha[0] * dh[d];
        }
      } else {
        int from = itemPtr[j - 1][item];
        int to = itemPtr[j - 1][item + 1];
        float share = alpha[j] / (to - from);
        float[] table = tables[j - 1];
        for (int p = from; p < to; p++) {
          int off = itemValues[j - 1][p] * dim;
          for (int d = 0; d < dim; d++) {
            table[off + d] += share * dh[d];
          }
        }
      }
    }
  }

  /** The plain mean of the item's field vectors (the paper's cold-start vector); false if it has none. */
  boolean coldVector(int item, float[] out) {
    java.util.Arrays.fill(out, 0, dim, 0f);
    int n = 0;
    for (int j = 1; j <= fieldNames.length; j++) {
      if (present(j - 1, item)) {
        addField(j, item, null, 1f, out);
        n++;
      }
    }
    if (n == 0) {
      return false;
    }
    for (int d = 0; d < dim; d++) {
      out[d] /= n;
    }
    return true;
  }

  /**
   * The cold-start vector of an item known only by its feature values (field name -> value names):
   * the mean over fields of the mean of the known values' vectors; null when no value is known.
   */
  float[] vectorFor(Map<String, List<String>> features) {
    float[] out = new float[dim];
    float[] field = new float[dim];
    int n = 0;
    for (int j = 0; j < fieldNames.length; j++) {
      List<String> vs = features.get(fieldNames[j]);
      if (vs == null) {
        continue;
      }
      java.util.Arrays.fill(field, 0f);
      int known = 0;
      for (String v : vs) {
        int id = valueNames[j].get(v);
        if (id >= 0) {
          for (int d = 0; d < dim; d++) {
            field[d] += tables[j][id * dim + d];
          }
          known++;
        }
      }
      if (known > 0) {
        for (int d = 0; d < dim; d++) {
          out[d] += field[d] / known;
        }
        n++;
      }
    }
    if (n == 0) {
      return null;
    }
    for (int d = 0; d < dim; d++) {
      out[d] /= n;
    }
    return out;
  }

  private boolean present(int field, int item) {
    return itemPtr[field][item + 1] > itemPtr[field][item];
  }

  /** out += weight * W_j(item); j = 0 reads the id table. */
  private void addField(int j, int item, float[] ids, float weight, float[] out) {
    if (j == 0) {
      int off = item * dim;
      for (int d = 0; d < dim; d++) {
        out[d] += weight * ids[off + d];
      }
      return;
    }
    int from = itemPtr[j - 1][item];
    int to = itemPtr[j - 1][item + 1];
    float w = weight / (to - from);
    float[] table = tables[j - 1];
    for (int p = from; p < to; p++) {
      int off = itemValues[j - 1][p] * dim;
      for (int d = 0; d < dim; d++) {
        out[d] += w * table[off + d];
      }
    }
  }

  /** Writes what serving needs for cold items: field names, value names and value tables. */
  void writeTo(DataOutput out) throws IOException {
    out.writeInt(fieldNames.length);
    for (int j = 0; j < fieldNames.length; j++) {
      out.writeUTF(fieldNames[j]);
      valueNames[j].writeTo(out);
      BinaryIO.writeFloats(out, tables[j]);
    }
  }

  /** Reads the serving part (no per-item data: the model keeps final item vectors). */
  static SideInformation readFrom(DataInput in, int dim) throws IOException {
    int f = in.readInt();
    if (f < 0 || f > 10_000) {
      throw new IOException("item2vec payload: bad side-information field count " + f);
    }
    String[] names = new String[f];
    IdMap[] values = new IdMap[f];
    float[][] tables = new float[f][];
    for (int j = 0; j < f; j++) {
      names[j] = in.readUTF();
      values[j] = IdMap.readFrom(in);
      tables[j] = BinaryIO.readFloats(in);
      if (tables[j].length != (long) values[j].size() * dim) {
        throw new IOException("item2vec payload: field '" + names[j] + "' has " + tables[j].length + " floats for "
            + values[j].size() + " values of dim " + dim);
      }
    }
    return new SideInformation(dim, names, values, null, null, tables, null);
  }
}
