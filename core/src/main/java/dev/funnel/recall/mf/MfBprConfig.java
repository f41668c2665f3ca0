package dev.funnel.recall.mf;

import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.OptimizerKind;

/**
 * Settings of {@link MfBpr}.
 *
 * @param dim embedding dimension
 * @param epochs passes; one epoch draws as many (user, positive) pairs as there are training interactions
 * @param learningRate optimizer step size
 * @param optimizer SGD, ADAGRAD or ADAM (row-wise, lazy)
 * @param l2 L2 coefficient on the embeddings of each example (user, positive, negatives), applied as
 *     coupled weight decay {@code l2 * w} on exactly the rows an example updates
 * @param negatives negatives per positive, drawn uniformly among the user's non-positive items
 * @param itemBias learn a per-item bias added to the score
 * @param initStd standard deviation of the normal initialisation of both tables
 * @param batchSize examples per unit of parallel work; per-example updates unless {@code sharedNegatives},
 *     where it is the mini-batch of one optimizer step
 * @param threads worker threads; 0 uses the training context's; 1 is reproducible bit for bit
 * @param sharedNegatives mini-batch training as in BARS/SimpleX's MF-BPR: each mini-batch of
 *     {@code batchSize} examples shares {@code negatives} items drawn uniformly over all items (a
 *     user's own positives are not excluded, as in the reference), the B x N scores are one GEMM, and
 *     each row the batch touches takes one optimizer step with the gradient of the batch-mean loss.
 *     Off: every example draws its own negatives among the user's non-positives and steps at once.
 * @param meanOverNegatives average the per-example loss over its negatives (BARS's
 *     PairwiseLogisticLoss: {@code -mean_j log sigma(s+ - s_j)}) instead of summing it; with many
 *     negatives this keeps the step size independent of their number
 * @param l2EveryBatch with {@code sharedNegatives}: the L2 acts as BARS's regulariser does, {@code l2/2 |W|²}
 *     of both whole tables added to every mini-batch's loss, i.e. a decay {@code l2 w} on every row at
 *     every batch. Done lazily: a row takes the decay of the batches it was absent from at its next
 *     update ({@code l2 * (batches since its last update) * w} added to its gradient), so rare rows are
 *     regularised as much per batch as frequent ones. Off: {@code l2 w} once per update of a row.
 * @param denseAdam with {@code sharedNegatives} and ADAM: the embedding tables step as under dense Adam
 *     (PyTorch's {@code torch.optim.Adam} over whole tables, as BARS trains MF-BPR): every row moves at
 *     every batch on its decaying momentum, at the cost of a lazy Adam
 *     ({@link dev.funnel.train.optim.CatchUpAdam}). With {@code l2EveryBatch} the L2 then goes through
 *     Adam's moments on every row at every batch, exactly as a {@code l2/2 |W|²} term in the loss does
 *     under dense Adam (the missed steps are replayed). Off: lazy row-wise Adam.
 * @param lrDecayEpoch with {@code sharedNegatives}: from this epoch on (counted from 1) the learning rate
 *     is a tenth of {@code learningRate} (BARS's x0.1 on a validation plateau, at a fixed epoch); 0: never
 * @param exampleNegatives with {@code sharedNegatives}' mini-batch steps: each example draws its own
 *     {@code negatives} items uniformly over all items (BARS's sampler) instead of the batch sharing one
 *     set; scores are then gathered dots instead of a GEMM (same flops, scattered rows)
 */
public record MfBprConfig(int dim, int epochs, double learningRate, OptimizerKind optimizer, double l2, int negatives,
    boolean itemBias, double initStd, int batchSize, int threads, boolean sharedNegatives, boolean meanOverNegatives,
    boolean l2EveryBatch, boolean denseAdam, int lrDecayEpoch, boolean exampleNegatives) {
  /** Without dense Adam or a learning-rate decay (the settings before those two fields existed). */
  public MfBprConfig(int dim, int epochs, double learningRate, OptimizerKind optimizer, double l2, int negatives,
      boolean itemBias, double initStd, int batchSize, int threads, boolean sharedNegatives, boolean meanOverNegatives,
      boolean l2EveryBatch) {
    this(dim, epochs, learningRate, optimizer, l2, negatives, itemBias, initStd, batchSize, threads, sharedNegatives,
        meanOverNegatives, l2EveryBatch, false, 0, false);
  }

  /** Per-example training with the loss summed over negatives (the settings before the two flags existed). */
  public MfBprConfig(int dim, int epochs, double learningRate, OptimizerKind optimizer, double l2, int negatives,
      boolean itemBias, double initStd, int batchSize, int threads) {
    this(dim, epochs, learningRate, optimizer, l2, negatives, itemBias, initStd, batchSize, threads, false, false, false,
        false, 0, false);
  }

  public MfBprConfig {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be positive; dim=" + dim);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be positive; epochs=" + epochs);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be positive and finite; learningRate=" + learningRate);
    }
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer must be set; optimizer=null");
    }
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("l2 must be >= 0 and finite; l2=" + l2);
    }
    if (negatives < 1) {
      throw new IllegalArgumentException("negatives must be positive; negatives=" + negatives);
    }
    if (!(initStd > 0) || Double.isInfinite(initStd)) {
      throw new IllegalArgumentException("initStd must be positive and finite; initStd=" + initStd);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive; batchSize=" + batchSize);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0; threads=" + threads);
    }
    if (l2EveryBatch && !sharedNegatives) {
      throw new IllegalArgumentException("l2EveryBatch needs sharedNegatives (mini-batch steps); l2EveryBatch=true,"
          + " sharedNegatives=false");
    }
    if (denseAdam && !(sharedNegatives && optimizer == OptimizerKind.ADAM)) {
      throw new IllegalArgumentException("denseAdam needs sharedNegatives and optimizer ADAM; denseAdam=true,"
          + " sharedNegatives=" + sharedNegatives + ", optimizer=" + optimizer);
    }
    if (lrDecayEpoch < 0) {
      throw new IllegalArgumentException("lrDecayEpoch must be >= 0; lrDecayEpoch=" + lrDecayEpoch);
    }
    if (exampleNegatives && !sharedNegatives) {
      throw new IllegalArgumentException("exampleNegatives needs sharedNegatives (mini-batch steps); exampleNegatives=true,"
          + " sharedNegatives=false");
    }
    if (lrDecayEpoch > 0 && !sharedNegatives) {
      throw new IllegalArgumentException("lrDecayEpoch needs sharedNegatives; lrDecayEpoch=" + lrDecayEpoch
          + ", sharedNegatives=false");
    }
  }

  public static MfBprConfig defaults() {
    // From a short search on gowalla (bench/presets/gowalla-mf-bpr.yaml): Adagrad beat Adam at equal
    // epochs, and a small init (0.01 rather than 0.1) and 10 negatives mattered most.
    return new MfBprConfig(64, 30, 0.05, OptimizerKind.ADAGRAD, 0.01, 10, false, 0.01, 1024, 0, false, false, false,
        false, 0, false);
  }

  /** The optimizer of the embedding tables (with the L2 as weight decay). */
  OptimizerConfig embeddingOptimizer() {
    // l2EveryBatch: SharedNegativeBatch adds the decay lazily, or with denseAdam CatchUpAdam applies it at every step
    return optimizerConfig().withWeightDecay(l2EveryBatch && !denseAdam ? 0 : l2);
  }

  /** The learning rate of (1-based) epoch {@code epoch}. */
  double learningRateAt(int epoch) {
    return lrDecayEpoch > 0 && epoch >= lrDecayEpoch ? learningRate * 0.1 : learningRate;
  }

  /** The optimizer of the item bias: the same, without decay. */
  OptimizerConfig optimizerConfig() {
    return switch (optimizer) {
      case SGD -> OptimizerConfig.sgd(learningRate);
      case ADAGRAD -> OptimizerConfig.adagrad(learningRate);
      case ADAM -> OptimizerConfig.adam(learningRate);
    };
  }
}
