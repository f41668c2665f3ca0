package dev.funnel.recall.lightgcn;

/**
 * Settings of {@link LightGcn}. The defaults are the paper's and its reference code's
 * (gusye1234/LightGCN-PyTorch) for gowalla, except {@code learningRate} and {@code epochs}: see
 * {@link #defaults()}.
 *
 * @param dim embedding dimension (reference: 64)
 * @param layers propagation layers K; 0 is plain MF-BPR with the same loss (reference: 3)
 * @param epochs passes; one epoch draws as many BPR triples as there are training interactions
 * @param learningRate Adam step size (reference: 0.001)
 * @param l2 the reference's {@code decay}: {@code l2 * ½(|e_u|² + |e_i|² + |e_j|²) / batchSize}
 *     summed over the batch's triples, on the layer-0 (ego) embeddings (reference: 1e-4)
 * @param batchSize BPR triples per Adam step (reference: 2048)
 * @param initStd standard deviation of the N(0, std²) initialisation of both tables (reference: 0.1)
 * @param threads threads of the propagation kernels; 0 uses the training context's
 * @param validateEvery with a validator, validate after every this many epochs (and after the last)
 * @param patience with a validator, stop after this many validations without improvement; 0 never
 * @param lrDecayEpoch after this many epochs the learning rate is multiplied by {@code lrDecayFactor},
 *     once; 0 never (the reference keeps lr 0.001 for its 1,000 epochs; a larger rate learns faster
 *     early and levels off lower, the step schedule of SimpleX and MF-BPR lets it settle)
 * @param lrDecayFactor the multiplier of that one step, in (0, 1]
 */
public record LightGcnConfig(int dim, int layers, int epochs, double learningRate, double l2, int batchSize,
    double initStd, int threads, int validateEvery, int patience, int lrDecayEpoch, double lrDecayFactor) {
  public LightGcnConfig {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be positive; dim=" + dim);
    }
    if (layers < 0) {
      throw new IllegalArgumentException("layers must be >= 0; layers=" + layers);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be positive; epochs=" + epochs);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be positive and finite; learningRate=" + learningRate);
    }
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("l2 must be >= 0 and finite; l2=" + l2);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive; batchSize=" + batchSize);
    }
    if (!(initStd > 0) || Double.isInfinite(initStd)) {
      throw new IllegalArgumentException("initStd must be positive and finite; initStd=" + initStd);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0; threads=" + threads);
    }
    if (validateEvery < 1) {
      throw new IllegalArgumentException("validateEvery must be positive; validateEvery=" + validateEvery);
    }
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be >= 0; patience=" + patience);
    }
    if (lrDecayEpoch < 0) {
      throw new IllegalArgumentException("lrDecayEpoch must be >= 0; lrDecayEpoch=" + lrDecayEpoch);
    }
    if (!(lrDecayFactor > 0 && lrDecayFactor <= 1)) {
      throw new IllegalArgumentException("lrDecayFactor must be in (0, 1]; lrDecayFactor=" + lrDecayFactor);
    }
  }

  /** The learning rate of the 0-based {@code epoch}: one step down after {@code lrDecayEpoch} epochs. */
  public double learningRate(int epoch) {
    return lrDecayEpoch > 0 && epoch >= lrDecayEpoch ? learningRate * lrDecayFactor : learningRate;
  }

  /**
   * The reference settings (dim 64, 3 layers, l2 1e-4, batch 2048, N(0, 0.1²) init, Adam) with the
   * reference learning rate 0.001 and 1000 epochs. Faster schedules are bench presets.
   */
  public static LightGcnConfig defaults() {
    return new LightGcnConfig(64, 3, 1000, 0.001, 1e-4, 2048, 0.1, 0, 5, 0, 0, 0.1);
  }
}
