package dev.funnel.recall;

/**
 * A recall model whose scores are inner products of learned vectors, so its item table can be
 * put behind an ANN index and queried with its user vectors (maximum-inner-product search):
 * {@code score(u, i) = <userVector(u), itemVector(i)> + itemBias(i)}.
 *
 * <p>Implemented by MF-BPR, iALS, LightGCN (final readout), two-tower and item2vec (whose user
 * vector is derived from the history). The getters return copies; tables are row-major with
 * {@link #dim()} floats per row.
 */
public interface EmbeddingModel extends RecallModel {
  /** Floats per vector. */
  int dim();

  /** numUsers × dim, row-major: user u is {@code [u*dim, (u+1)*dim)}. */
  float[] userVectors();

  /** numItems × dim, row-major: item i is {@code [i*dim, (i+1)*dim)}. */
  float[] itemVectors();

  /** Per-item additive bias, or null when the model has none. */
  default float[] itemBias() {
    return null;
  }
}
