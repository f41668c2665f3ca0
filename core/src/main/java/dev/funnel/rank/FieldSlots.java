package dev.funnel.rank;

/**
 * A batch's rows as one active feature per field, the input of field-embedding models (DeepFM and
 * its kin): slot {@code r*numFields + f} holds row r's feature in field f and its value. Frappe and
 * most CTR sets are like this; a row with no or several features in a field is refused, naming them.
 */
public final class FieldSlots {
  private final int numFields;
  private final int[] features;
  private final float[] values;

  private FieldSlots(int numFields, int[] features, float[] values) {
    this.numFields = numFields;
    this.features = features;
    this.values = values;
  }

  public static FieldSlots of(SampleBatch batch) {
    FieldMap fields = batch.fields();
    int nf = fields.numFields();
    int n = batch.size();
    int[] features = new int[n * nf];
    float[] values = new float[n * nf];
    java.util.Arrays.fill(features, -1);
    int[] ptr = batch.rowPtr();
    int[] fs = batch.features();
    for (int r = 0; r < n; r++) {
      for (int k = ptr[r]; k < ptr[r + 1]; k++) {
        int f = fields.fieldOf(fs[k]);
        int slot = r * nf + f;
        if (features[slot] >= 0) {
          throw new IllegalArgumentException("row " + r + " has two features in field '" + fields.name(f) + "' (" + features[slot]
              + " and " + fs[k] + "); field-embedding models take one per field");
        }
        features[slot] = fs[k];
        values[slot] = batch.value(k);
      }
      for (int f = 0; f < nf; f++) {
        if (features[r * nf + f] < 0) {
          throw new IllegalArgumentException("row " + r + " has no feature in field '" + fields.name(f)
              + "'; field-embedding models take one per field");
        }
      }
    }
    return new FieldSlots(nf, features, values);
  }

  public int numFields() {
    return numFields;
  }

  public int size() {
    return features.length / numFields;
  }

  /** Row r's feature in field f. */
  public int feature(int r, int f) {
    return features[r * numFields + f];
  }

  /** Row r's value in field f. */
  public float value(int r, int f) {
    return values[r * numFields + f];
  }
}
