package dev.funnel.rank.dcn;

import dev.funnel.rank.DenseSettings;

/**
 * Mini-batch Adam settings shared by the DCN-V2 and Wide&amp;Deep trainers ({@link DcnTrainer}).
 *
 * @param batchSize rows per optimizer step, &gt;= 1
 * @param learningRate Adam step size, &gt; 0
 * @param embeddingL2 coupled L2 on the embedding (and wide) rows a batch touches, &gt;= 0
 * @param embeddingRegularizer FuxiCTR's embedding regularizer (λ/2)||V||² over the whole table, so every
 *     row steps every batch; 0 = off, &gt;= 0
 * @param denseL2 coupled L2 on the dense layers, &gt;= 0
 * @param dropout inverted dropout on the MLP's hidden outputs, in [0, 1)
 * @param initStd standard deviation of the Gaussian initial embeddings, &gt; 0
 * @param epochs passes over the training data, &gt;= 1
 * @param patience epochs without a better validation AUC before stopping, &gt;= 0 (0: never early)
 * @param plateauDecay learning-rate factor after an epoch without a better validation AUC, in (0, 1]
 */
public record TrainSettings(int batchSize, double learningRate, double embeddingL2, double embeddingRegularizer, double denseL2,
    double dropout, double initStd, int epochs, int patience, double plateauDecay) {
  public TrainSettings {
    DenseSettings.check(batchSize, learningRate, embeddingL2, denseL2, initStd, epochs, patience);
    DenseSettings.checkEmbeddingRegularizer(embeddingRegularizer);
    DenseSettings.checkDropout(dropout);
    DenseSettings.checkPlateauDecay(plateauDecay);
  }
}
