package dev.funnel.rank.deepfm;

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
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be positive; dim=" + dim);
    }
    parseHidden(hidden);
    if (activation == null) {
      throw new IllegalArgumentException("activation must be set; activation=null");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive; batchSize=" + batchSize);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be positive and finite; learningRate=" + learningRate);
    }
    if (!(embeddingL2 >= 0) || Double.isInfinite(embeddingL2)) {
      throw new IllegalArgumentException("embeddingL2 must be >= 0 and finite; embeddingL2=" + embeddingL2);
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
    if (!(embeddingRegularizer >= 0) || Double.isInfinite(embeddingRegularizer)) {
      throw new IllegalArgumentException("embeddingRegularizer must be >= 0 and finite; embeddingRegularizer=" + embeddingRegularizer);
    }
    if (!(plateauDecay > 0 && plateauDecay <= 1)) {
      throw new IllegalArgumentException("plateauDecay must be in (0, 1]; plateauDecay=" + plateauDecay);
    }
  }

  public static DeepFmConfig defaults() {
    return new DeepFmConfig(10, "400,400,400", Activation.RELU, 4096, 1e-3, 0, 0, 0, 1e-2, 100, 2);
  }

  /** The hidden layer sizes. */
  public int[] hiddenUnits() {
    return parseHidden(hidden);
  }

  private static int[] parseHidden(String hidden) {
    String bad = "hidden must be comma-separated positive layer sizes, at least one; hidden=" + hidden;
    if (hidden == null || hidden.isBlank()) {
      throw new IllegalArgumentException(bad);
    }
    String[] parts = hidden.split(",");
    int[] units = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        units[i] = Integer.parseInt(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(bad);
      }
      if (units[i] < 1) {
        throw new IllegalArgumentException(bad);
      }
    }
    return units;
  }
}
