package dev.funnel.rank.dcn;

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
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive; batchSize=" + batchSize);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be positive and finite; learningRate=" + learningRate);
    }
    if (!(embeddingL2 >= 0) || Double.isInfinite(embeddingL2)) {
      throw new IllegalArgumentException("embeddingL2 must be >= 0 and finite; embeddingL2=" + embeddingL2);
    }
    if (!(embeddingRegularizer >= 0) || Double.isInfinite(embeddingRegularizer)) {
      throw new IllegalArgumentException("embeddingRegularizer must be >= 0 and finite; embeddingRegularizer=" + embeddingRegularizer);
    }
    if (!(denseL2 >= 0) || Double.isInfinite(denseL2)) {
      throw new IllegalArgumentException("denseL2 must be >= 0 and finite; denseL2=" + denseL2);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1); dropout=" + dropout);
    }
    if (!(initStd > 0) || Double.isInfinite(initStd)) {
      throw new IllegalArgumentException("initStd must be positive and finite; initStd=" + initStd);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be positive; epochs=" + epochs);
    }
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be >= 0; patience=" + patience);
    }
    if (!(plateauDecay > 0 && plateauDecay <= 1)) {
      throw new IllegalArgumentException("plateauDecay must be in (0, 1]; plateauDecay=" + plateauDecay);
    }
  }
}
