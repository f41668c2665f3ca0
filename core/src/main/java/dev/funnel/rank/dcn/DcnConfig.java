package dev.funnel.rank.dcn;

import dev.funnel.rank.nn.Activation;

/**
 * DCN-V2 (Wang et al., WWW 2021) trained in mini-batches with Adam on the mean logistic loss.
 *
 * @param dim field embedding dimension, &gt;= 1
 * @param crossLayers cross layers x_{l+1} = x0 ⊙ (W_l x_l + b_l) + x_l, &gt;= 0
 * @param lowRank rank r of W_l = U_l V_lᵀ, 0 for full rank, &lt; numFields x dim
 * @param parallel true: cross network and MLP side by side over x0 (the paper's parallel structure);
 *     false: the MLP stacked on the cross network's output
 * @param hidden the MLP's hidden layer sizes, comma separated (blank: none)
 * @param activation hidden layer activation
 * @param batchNorm batch norm after each hidden layer's linear map
 * @param batchSize see {@link TrainSettings}
 * @param learningRate see {@link TrainSettings}
 * @param embeddingL2 see {@link TrainSettings}
 * @param embeddingRegularizer see {@link TrainSettings}
 * @param denseL2 see {@link TrainSettings}
 * @param dropout see {@link TrainSettings}
 * @param initStd see {@link TrainSettings}
 * @param epochs see {@link TrainSettings}
 * @param patience see {@link TrainSettings}
 * @param plateauDecay see {@link TrainSettings}
 */
public record DcnConfig(int dim, int crossLayers, int lowRank, boolean parallel, String hidden, Activation activation, boolean batchNorm,
    int batchSize, double learningRate, double embeddingL2, double embeddingRegularizer, double denseL2, double dropout, double initStd,
    int epochs, int patience, double plateauDecay) {
  public DcnConfig {
    shape(dim, crossLayers, lowRank, parallel, hidden, activation, batchNorm);
    new TrainSettings(batchSize, learningRate, embeddingL2, embeddingRegularizer, denseL2, dropout, initStd, epochs, patience, plateauDecay);
  }

  /** FuxiCTR's DCNv2 settings for Frappe_x1 (BARS): parallel, 4 full-rank cross layers, MLP 400-400-400 with batch norm. */
  public static DcnConfig defaults() {
    return new DcnConfig(10, 4, 0, true, "400,400,400", Activation.RELU, true, 4096, 1e-3, 0, 0.05, 0, 0.4, 1e-2, 100, 2, 0.1);
  }

  private static DcnShape shape(int dim, int crossLayers, int lowRank, boolean parallel, String hidden, Activation activation,
      boolean batchNorm) {
    return new DcnShape(dim, crossLayers, lowRank, parallel, DcnShape.parseHidden(hidden), activation, batchNorm, false);
  }

  public DcnShape shape() {
    return shape(dim, crossLayers, lowRank, parallel, hidden, activation, batchNorm);
  }

  public TrainSettings settings() {
    return new TrainSettings(batchSize, learningRate, embeddingL2, embeddingRegularizer, denseL2, dropout, initStd, epochs, patience,
        plateauDecay);
  }
}
