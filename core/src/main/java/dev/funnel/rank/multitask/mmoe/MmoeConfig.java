package dev.funnel.rank.multitask.mmoe;

import dev.funnel.rank.DenseSettings;
import dev.funnel.rank.multitask.ClickConversionLoss;
import dev.funnel.rank.multitask.ClickConversionTraining;
import dev.funnel.rank.nn.Activation;

/**
 * MMoE (Ma et al., KDD 2018) for CTR and CVR, trained in mini-batches with Adam.
 *
 * @param dim field embedding dimension, &gt;= 1
 * @param experts shared experts, &gt;= 1
 * @param expertHidden hidden layer sizes inside each expert, comma separated (empty: one linear layer)
 * @param expertUnits output width of each expert, &gt;= 1
 * @param towerHidden each task tower's hidden layer sizes, comma separated (empty: linear tower)
 * @param activation activation of the experts' outputs and of every hidden layer
 * @param space CLICKED (the CVR head fitted on clicked impressions, the usual MMoE set-up) or ENTIRE
 *     (ESMM's entire-space loss on top of MMoE)
 * @param batchSize rows per optimizer step, &gt;= 1
 * @param learningRate Adam step size, &gt; 0
 * @param embeddingL2 coupled L2 on the embedding rows a batch touches, &gt;= 0
 * @param denseL2 coupled L2 on the dense weights, &gt;= 0
 * @param initStd standard deviation of the Gaussian initial embeddings, &gt; 0
 * @param epochs passes over the training data, &gt;= 1
 * @param patience epochs without a better validation AUC before stopping, &gt;= 0 (0: never early)
 * @param earlyStop the validation AUC early stopping watches: CVR (pCVR on clicked impressions) or
 *     CTCVR (pCTCVR on every impression)
 */
public record MmoeConfig(int dim, int experts, String expertHidden, int expertUnits, String towerHidden, Activation activation,
    ClickConversionLoss.Space space, int batchSize, double learningRate, double embeddingL2, double denseL2, double initStd, int epochs,
    int patience, ClickConversionTraining.EarlyStop earlyStop) {
  public MmoeConfig {
    DenseSettings.positive("dim", dim);
    DenseSettings.positive("experts", experts);
    DenseSettings.layerSizes("expertHidden", expertHidden, true);
    DenseSettings.positive("expertUnits", expertUnits);
    DenseSettings.layerSizes("towerHidden", towerHidden, true);
    DenseSettings.set("activation", activation);
    new ClickConversionTraining.Settings(space, batchSize, learningRate, embeddingL2, denseL2, initStd, epochs, patience, earlyStop);
  }

  public static MmoeConfig defaults() {
    return new MmoeConfig(8, 4, "", 32, "16", Activation.RELU, ClickConversionLoss.Space.CLICKED, 512, 2e-3, 1e-4, 0, 0.05, 20, 2, ClickConversionTraining.EarlyStop.CVR);
  }

  public ClickConversionTraining.Settings settings() {
    return new ClickConversionTraining.Settings(space, batchSize, learningRate, embeddingL2, denseL2, initStd, epochs, patience, earlyStop);
  }
}
