package dev.funnel.rank.multitask.esmm;

import dev.funnel.rank.DenseSettings;
import dev.funnel.rank.multitask.ClickConversionLoss;
import dev.funnel.rank.multitask.ClickConversionTraining;
import dev.funnel.rank.nn.Activation;

/**
 * ESMM (Ma et al., SIGIR 2018) trained in mini-batches with Adam.
 *
 * @param dim field embedding dimension (of each tower's embedding when not shared), &gt;= 1
 * @param shareEmbeddings true: both towers read one embedding per feature (ESMM); false: one per
 *     tower (ESMM-NS; with space CLICKED, two independent models: the paper's BASE)
 * @param hidden each tower's hidden layer sizes, comma separated, e.g. {@code 64,32}
 * @param activation hidden layer activation
 * @param space ENTIRE (ESMM's loss: pCTR and pCTCVR on every impression) or CLICKED (pCVR fitted on
 *     clicked impressions only: the conventional CVR model with shared embeddings, the baseline)
 * @param batchSize rows per optimizer step, &gt;= 1
 * @param learningRate Adam step size, &gt; 0
 * @param embeddingL2 coupled L2 on the embedding rows a batch touches, &gt;= 0
 * @param denseL2 coupled L2 on the tower weights, &gt;= 0
 * @param initStd standard deviation of the Gaussian initial embeddings, &gt; 0
 * @param epochs passes over the training data, &gt;= 1
 * @param patience epochs without a better validation AUC before stopping, &gt;= 0 (0: never early)
 * @param earlyStop the validation AUC early stopping watches: CVR (pCVR on clicked impressions) or
 *     CTCVR (pCTCVR on every impression)
 */
public record EsmmConfig(int dim, boolean shareEmbeddings, String hidden, Activation activation, ClickConversionLoss.Space space, int batchSize,
    double learningRate, double embeddingL2, double denseL2, double initStd, int epochs, int patience,
    ClickConversionTraining.EarlyStop earlyStop) {
  public EsmmConfig {
    DenseSettings.positive("dim", dim);
    DenseSettings.layerSizes("hidden", hidden, false);
    DenseSettings.set("activation", activation);
    settings(space, batchSize, learningRate, embeddingL2, denseL2, initStd, epochs, patience, earlyStop);
  }

  public static EsmmConfig defaults() {
    return new EsmmConfig(8, true, "64,32", Activation.RELU, ClickConversionLoss.Space.ENTIRE, 512, 2e-3, 1e-4, 0, 0.05, 20, 2, ClickConversionTraining.EarlyStop.CVR);
  }

  public int[] hiddenUnits() {
    return DenseSettings.layerSizes("hidden", hidden, false);
  }

  public ClickConversionTraining.Settings settings() {
    return settings(space, batchSize, learningRate, embeddingL2, denseL2, initStd, epochs, patience, earlyStop);
  }

  private static ClickConversionTraining.Settings settings(ClickConversionLoss.Space space, int batchSize, double learningRate,
      double embeddingL2, double denseL2, double initStd, int epochs, int patience, ClickConversionTraining.EarlyStop earlyStop) {
    return new ClickConversionTraining.Settings(space, batchSize, learningRate, embeddingL2, denseL2, initStd, epochs, patience, earlyStop);
  }
}
