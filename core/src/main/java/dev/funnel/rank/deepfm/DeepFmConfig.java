package dev.funnel.rank.deepfm;

import dev.funnel.rank.DenseSettings;
import dev.funnel.rank.nn.Activation;

/**
 * DeepFM (Guo et al., IJCAI 2017) trained in mini-batches with Adam on the mean logistic loss.
 *
 * @param dim field embedding dimension k, shared by the FM and the deep component, &gt;= 1
 * @param hidden the deep component's hidden layer sizes, comma separated, e.g. {@code 400,400,400}
 * @param activation hidden layer activation (RELU as the paper, or SWISH)
 * @param batchSize rows per optimizer step, &gt;= 1
 * @param learningRate Adam step size for every parameter, &gt; 0
 * @param embeddingL2 coupled L2 on the embedding and first-order rows a batch touches (lazy), &gt;= 0
 * @param denseL2 coupled L2 on the MLP weights and biases, &gt;= 0
 * @param dropout inverted dropout on the MLP's hidden outputs while training, in [0, 1)
 * @param initStd standard deviation of the Gaussian initial embeddings, &gt; 0
 * @param epochs passes over the training data, &gt;= 1
 * @param patience epochs without a better validation AUC before stopping, &gt;= 0 (0: never stop early)
 * @param batchNorm batch normalization after each hidden layer's linear map (FuxiCTR's MLP block)
 * @param embeddingRegularizer FuxiCTR's embedding regularizer: the L2 term (λ/2)||V||² + (λ/2)||w||² over
 *     the whole embedding and first-order tables added to every batch's loss, so every row (touched or
 *     not) takes an Adam step each batch with gradient λ v (plus embeddingL2, which then applies to all
 *     rows too); 0 keeps the lazy per-touched-row embeddingL2 only, &gt;= 0
 * @param plateauDecay learning-rate factor after an epoch without a better validation AUC (FuxiCTR's
 *     reduce-on-plateau, 0.1 there), in (0, 1]; 1 keeps the rate
 */
public record DeepFmConfig(int dim, String hidden, Activation activation, int batchSize, double learningRate, double embeddingL2,
    double denseL2, double dropout, double initStd, int epochs, int patience, boolean batchNorm, double embeddingRegularizer,
    double plateauDecay) {
  /** Without batch norm, full-table regularizer or plateau decay (the first DeepFM's settings). */
  public DeepFmConfig(int dim, String hidden, Activation activation, int batchSize, double learningRate, double embeddingL2,
      double denseL2, double dropout, double initStd, int epochs, int patience) {
    this(dim, hidden, activation, batchSize, learningRate, embeddingL2, denseL2, dropout, initStd, epochs, patience, false, 0, 1);
  }

  public DeepFmConfig {
    DenseSettings.positive("dim", dim);
    parseHidden(hidden);
    DenseSettings.set("activation", activation);
    DenseSettings.check(batchSize, learningRate, embeddingL2, denseL2, initStd, epochs, patience);
    DenseSettings.checkDropout(dropout);
    DenseSettings.checkEmbeddingRegularizer(embeddingRegularizer);
    DenseSettings.checkPlateauDecay(plateauDecay);
  }

  public static DeepFmConfig defaults() {
    return new DeepFmConfig(10, "400,400,400", Activation.RELU, 4096, 1e-3, 0, 0, 0, 1e-2, 100, 2);
  }

  /** The hidden layer sizes. */
  public int[] hiddenUnits() {
    return parseHidden(hidden);
  }

  private static int[] parseHidden(String hidden) {
    return DenseSettings.layerSizes("hidden", hidden, false);
  }
}
