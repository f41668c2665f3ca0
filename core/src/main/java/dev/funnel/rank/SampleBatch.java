package dev.funnel.rank;

/**
 * Labelled sparse samples in CSR form: row r's features are {@code features[rowPtr[r] .. rowPtr[r+1])}
 * with values {@code values[k]} (1 for all when {@code values} is null: one-hot categorical data),
 * its label {@code labels[r]} is 0 or 1, its weight {@code weights[r]} (1 when null) scales its loss,
 * and {@code groups[r]} (null: none) names the group, e.g. the user, for GAUC. The field of a feature
 * comes from {@link #fields()}.
 *
 * <p>Arrays are taken as given (not copied) and must not change afterwards; the constructor checks
 * shapes and ranges and names the first bad entry.
 */
public record SampleBatch(FieldMap fields, int[] rowPtr, int[] features, float[] values, float[] labels,
    float[] weights, int[] groups) {

  public SampleBatch {
    if (fields == null || rowPtr == null || features == null || labels == null) {
      throw new IllegalArgumentException("fields, rowPtr, features and labels must be set");
    }
    int n = labels.length;
    if (rowPtr.length != n + 1 || rowPtr[0] != 0 || rowPtr[n] != features.length) {
      throw new IllegalArgumentException("rowPtr must have labels.length+1=" + (n + 1) + " entries from 0 to features.length="
          + features.length + "; has " + rowPtr.length + " ending at " + (rowPtr.length == 0 ? "-" : rowPtr[rowPtr.length - 1]));
    }
    for (int r = 0; r < n; r++) {
      if (rowPtr[r + 1] < rowPtr[r]) {
        throw new IllegalArgumentException("rowPtr must not decrease; rowPtr[" + (r + 1) + "]=" + rowPtr[r + 1] + " < rowPtr[" + r
            + "]=" + rowPtr[r]);
      }
      if (labels[r] != 0f && labels[r] != 1f) {
        throw new IllegalArgumentException("labels must be 0 or 1; labels[" + r + "]=" + labels[r]);
      }
    }
    int numFeatures = fields.numFeatures();
    for (int k = 0; k < features.length; k++) {
      if (features[k] < 0 || features[k] >= numFeatures) {
        throw new IllegalArgumentException("features[" + k + "]=" + features[k] + " is outside 0.." + (numFeatures - 1));
      }
    }
    if (values != null) {
      if (values.length != features.length) {
        throw new IllegalArgumentException("values must match features (" + features.length + "); has " + values.length);
      }
      for (int k = 0; k < values.length; k++) {
        if (!Float.isFinite(values[k])) {
          throw new IllegalArgumentException("values must be finite; values[" + k + "]=" + values[k]);
        }
      }
    }
    if (weights != null) {
      if (weights.length != n) {
        throw new IllegalArgumentException("weights must have one entry per row (" + n + "); has " + weights.length);
      }
      for (int r = 0; r < n; r++) {
        if (!(weights[r] >= 0) || Float.isInfinite(weights[r])) {
          throw new IllegalArgumentException("weights must be finite and >= 0; weights[" + r + "]=" + weights[r]);
        }
      }
    }
    if (groups != null && groups.length != n) {
      throw new IllegalArgumentException("groups must have one entry per row (" + n + "); has " + groups.length);
    }
  }

  /** Rows. */
  public int size() {
    return labels.length;
  }

  /** Non-zero entries. */
  public int nnz() {
    return features.length;
  }

  public int numFeatures() {
    return fields.numFeatures();
  }

  /** The value of entry k (1 when the batch has no values). */
  public float value(int k) {
    return values == null ? 1f : values[k];
  }

  /** The weight of row r (1 when the batch has no weights). */
  public float weight(int r) {
    return weights == null ? 1f : weights[r];
  }

  /** This batch with {@code groups} as the group of each row (null: none). */
  public SampleBatch withGroups(int[] newGroups) {
    return new SampleBatch(fields, rowPtr, features, values, labels, weights, newGroups);
  }

  /**
   * Each row's feature within {@code field} (its first, if several), as the group id: e.g. the user
   * field for GAUC. A row with no feature in the field is an error naming it.
   */
  public int[] featureOfField(int field) {
    int from = fields.start(field);
    int to = fields.end(field);
    int[] out = new int[size()];
    for (int r = 0; r < out.length; r++) {
      out[r] = -1;
      for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
        if (features[k] >= from && features[k] < to) {
          out[r] = features[k];
          break;
        }
      }
      if (out[r] < 0) {
        throw new IllegalArgumentException("row " + r + " has no feature in field '" + fields.name(field) + "'");
      }
    }
    return out;
  }
}
