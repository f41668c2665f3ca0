package dev.funnel.rank.widedeep;

import dev.funnel.rank.dcn.DcnShape;
import dev.funnel.rank.dcn.TrainSettings;
import dev.funnel.rank.nn.Activation;

/**
 * Wide&amp;Deep (Cheng et al., DLRS 2016): a wide first-order linear model over the sparse features plus
 * an MLP over the concatenated field embeddings, trained jointly (here with one Adam for both, as
 * FuxiCTR does, instead of the paper's FTRL for the wide part).
 *
 * @param dim field embedding dimension, &gt;= 1
 * @param hidden the deep part's hidden layer sizes, comma separated
 * @param activation hidden layer activation
 * @param batchNorm batch norm after each hidden layer's linear map
 * @param batchSize see {@link TrainSettings}
 * @param learningRate see {@link TrainSettings}
 * @param embeddingL2 see {@link TrainSettings} (applies to the wide weights too)
 * @param embeddingRegularizer see {@link TrainSettings} (applies to the wide weights too)
 * @param denseL2 see {@link TrainSettings}
 * @param dropout see {@link TrainSettings}
 * @param initStd see {@link TrainSettings}
 * @param epochs see {@link TrainSettings}
 * @param patience see {@link TrainSettings}
 * @param plateauDecay see {@link TrainSettings}
 */
public record WideDeepConfig(int dim, String hidden, Activation activation, boolean batchNorm, int batchSize, double learningRate,
    double embeddingL2, double embeddingRegularizer, double denseL2, double dropout, double initStd, int epochs, int patience,
    double plateauDecay) {
  public WideDeepConfig {
    shape(dim, hidden, activation, batchNorm);
    new TrainSettings(batchSize, learningRate, embeddingL2, embeddingRegularizer, denseL2, dropout, initStd, epochs, patience, plateauDecay);
  }

  /** FuxiCTR-style settings: MLP 400-400-400 with batch norm, Adam 1e-3, batch 4096, full-table regularizer. */
  public static WideDeepConfig defaults() {
    return new WideDeepConfig(10, "400,400,400", Activation.RELU, true, 4096, 1e-3, 0, 0.05, 0, 0.2, 1e-2, 100, 2, 0.1);
  }

  private static DcnShape shape(int dim, String hidden, Activation activation, boolean batchNorm) {
    return new DcnShape(dim, 0, 0, false, DcnShape.parseHidden(hidden), activation, batchNorm, true);
  }

  /** The DCN network with no cross layers, the MLP over x0, and the wide term. */
  public DcnShape shape() {
    return shape(dim, hidden, activation, batchNorm);
  }

  public TrainSettings settings() {
    return new TrainSettings(batchSize, learningRate, embeddingL2, embeddingRegularizer, denseL2, dropout, initStd, epochs, patience,
        plateauDecay);
  }
}
