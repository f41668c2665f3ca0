package dev.funnel.rank.ffm;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.SampleBatch;

/**
 * FFM's latent vectors: feature i has one vector per field f, v_{i,f}, stored row-major as row
 * {@code i * numFields + f} of a (numFeatures * numFields) x dim table. The pairwise term of a sample
 * (phi_FFM of Juan et al., RecSys 2016) is
 *
 * <pre>
 *   phi(x) = Σ_{i&lt;j} &lt;v_{i,f_j}, v_{j,f_i}&gt; x_i x_j      over all pairs of its active features
 * </pre>
 *
 * where f_i is the field of feature i. Costs O(n^2 k) for n active features (frappe: 45 pairs).
 */
final class FieldFactors {
  final float[] v;
  final int dim;
  final int numFields;
  /** fieldOf[i] = the field of feature i. */
  final int[] fieldOf;

  FieldFactors(FieldMap fields, int dim, float[] v) {
    this.numFields = fields.numFields();
    this.dim = dim;
    long size = (long) fields.numFeatures() * numFields * dim;
    if (v.length != size) {
      throw new IllegalArgumentException("FFM latent vectors must hold numFeatures*numFields*dim=" + size + " values; have " + v.length);
    }
    this.v = v;
    this.fieldOf = new int[fields.numFeatures()];
    for (int f = 0; f < numFields; f++) {
      java.util.Arrays.fill(fieldOf, fields.start(f), fields.end(f), f);
    }
  }

  /** Offset in {@link #v} of v_{feature, field}. */
  int offset(int feature, int field) {
    return (feature * numFields + field) * dim;
  }

  /** phi(x) of row r. */
  double pairwise(SampleBatch batch, int r) {
    int[] ptr = batch.rowPtr();
    int[] features = batch.features();
    double phi = 0;
    for (int a = ptr[r]; a < ptr[r + 1]; a++) {
      int i = features[a];
      float xa = batch.value(a);
      for (int b = a + 1; b < ptr[r + 1]; b++) {
        int j = features[b];
        int pi = offset(i, fieldOf[j]);
        int pj = offset(j, fieldOf[i]);
        float dot = 0;
        for (int f = 0; f < dim; f++) {
          dot += v[pi + f] * v[pj + f];
        }
        phi += dot * xa * batch.value(b);
      }
    }
    return phi;
  }

  /**
   * Writes g dphi/dv_{i,f} for every active entry a of row r and every field f into {@code grad} at
   * {@code ((a - rowPtr[r]) * numFields + f) * dim} (zero where no pair touches it):
   * dphi/dv_{i,f_j} = Σ_{j != i} v_{j,f_i} x_i x_j. {@code grad} needs n * numFields * dim floats.
   */
  void gradient(SampleBatch batch, int r, float g, float[] grad) {
    int[] ptr = batch.rowPtr();
    int[] features = batch.features();
    int from = ptr[r];
    int n = ptr[r + 1] - from;
    java.util.Arrays.fill(grad, 0, n * numFields * dim, 0f);
    for (int a = from; a < ptr[r + 1]; a++) {
      int i = features[a];
      float gxa = g * batch.value(a);
      for (int b = a + 1; b < ptr[r + 1]; b++) {
        int j = features[b];
        float c = gxa * batch.value(b);
        int pi = offset(i, fieldOf[j]);
        int pj = offset(j, fieldOf[i]);
        int gi = ((a - from) * numFields + fieldOf[j]) * dim;
        int gj = ((b - from) * numFields + fieldOf[i]) * dim;
        for (int f = 0; f < dim; f++) {
          grad[gi + f] += c * v[pj + f];
          grad[gj + f] += c * v[pi + f];
        }
      }
    }
  }
}
