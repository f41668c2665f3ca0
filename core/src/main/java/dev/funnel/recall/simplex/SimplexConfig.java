package dev.funnel.recall.simplex;

import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.OptimizerKind;

/**
 * Settings of {@link Simplex}.
 *
 * @param dim embedding dimension
 * @param epochs passes; one epoch draws as many (user, positive) pairs as there are training interactions
 * @param learningRate optimizer step size
 * @param optimizer SGD, ADAGRAD or ADAM (row-wise, lazy)
 * @param l2 L2 coefficient, coupled weight decay {@code l2 * w} on the rows a batch updates
 * @param negatives negatives drawn uniformly over all items: per batch and shared by every example of
 *     the batch (so the user x negative cosines are one GEMM), or per example with {@code perExampleNegatives}
 * @param margin CCL margin m: a negative contributes only while its cosine exceeds m
 * @param negativeWeight CCL weight w of the mean negative hinge against the positive term
 * @param gamma g in {@code t = g e_u + (1-g) V mean(history)}; 1 is MF with the cosine contrastive loss (MF-CCL)
 * @param dropout dropout rate on the user tower output during training, in [0, 1)
 * @param initStd standard deviation of the normal initialisation of the user and item tables
 * @param batchSize examples per batch (one gradient step per row touched by the batch)
 * @param historySample while training, the user tower averages at most this many items of the user's
 *     history, drawn uniformly without replacement for each batch (an unbiased estimate of the mean; its
 *     gradient reaches only the drawn rows); 0 uses the whole history. Serving always uses the whole history.
 * @param denseAdam with ADAM: every table follows dense Adam, as the reference (PyTorch) code does, rows
 *     without gradient in a batch still moving on their momentum ({@link dev.funnel.train.optim.CatchUpAdam},
 *     at a lazy optimizer's cost); false: lazy Adam (untouched rows stand still)
 * @param clipNorm with a positive value, each batch's whole gradient (users, items, V) is scaled down to this
 *     L2 norm when it is longer, as the reference trainer does ({@code clip_grad_norm_(params, 10)}); 0: off.
 *     The cosine loss's gradient scales as 1/|w|, so from a tiny init the first batches' gradients are huge and
 *     Adam's second moment remembers them for thousands of steps; clipping bounds them
 * @param dropoutAfterNorm true: the dropout mask is applied to the unit user vector (the reference's
 *     {@code dropout(normalize(t))}, so the training score is not a true cosine); false: to the tower
 *     output before the normalisation
 * @param perExampleNegatives true: each example draws its own {@code negatives} items (the reference's
 *     sampling; one gathered dot product per pair); false: one set per batch shared by its examples (a GEMM)
 * @param historyTable true: the user tower averages rows of a history embedding table of its own (the
 *     reference's gowalla configuration: its {@code user_history} feature does not share the item
 *     embedding); false: rows of the item table itself (the paper's form)
 * @param lrDecayEpoch after this many epochs the learning rate of every table is multiplied by
 *     {@code lrDecayFactor}, once (the reference lowers it x0.1 on a validation plateau, at its epoch 14 on
 *     gowalla); 0: never
 * @param lrDecayFactor the factor of that decay, in (0, 1]
 * @param shuffledEpochs true: an epoch visits every training interaction once in a shuffled order (the
 *     reference's data loader); false: it draws as many with replacement
 * @param threads worker threads; 0 uses the training context's; 1 is reproducible bit for bit
 * @param aggregator how the user tower aggregates the history: MEAN ({@link BehaviorAggregator}) or
 *     CROSS_ATTENTION ({@link CrossAttentionAggregator}, the reference's gowalla configuration, its
 *     {@code aggregator: user_attention}); W_k and b then train with V's optimizer, L2 and clipping
 * @param attentionPadding with CROSS_ATTENTION, the padded history length L of the reference's softmax
 *     denominator (each of the L - n zero pads of an n-item history adds exp(0) = 1 there, see
 *     {@link CrossAttentionAggregator}): -1 the longest training history (the reference pads every
 *     sequence to its dataset's longest), 0 no padding term (a plain softmax), L > 0 that length. With
 *     {@code historySample} S < n the term is scaled to the sample, {@code (L - n) S / n}, so that the
 *     sampled numerator and denominator both estimate the full history's times S / n
 */
public record SimplexConfig(int dim, int epochs, double learningRate, OptimizerKind optimizer, double l2,
    int negatives, double margin, double negativeWeight, double gamma, double dropout, double initStd, int batchSize,
    int historySample, boolean denseAdam, double clipNorm, boolean dropoutAfterNorm, boolean perExampleNegatives,
    boolean historyTable, int lrDecayEpoch, double lrDecayFactor,
    boolean shuffledEpochs, int threads, SimplexAggregator aggregator, int attentionPadding) {
  public SimplexConfig {
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
    if (!(margin >= -1 && margin <= 1)) {
      throw new IllegalArgumentException("margin must be in [-1, 1]; margin=" + margin);
    }
    if (!(negativeWeight >= 0) || Double.isInfinite(negativeWeight)) {
      throw new IllegalArgumentException("negativeWeight must be >= 0 and finite; negativeWeight=" + negativeWeight);
    }
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("gamma must be in [0, 1]; gamma=" + gamma);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1); dropout=" + dropout);
    }
    if (!(initStd > 0) || Double.isInfinite(initStd)) {
      throw new IllegalArgumentException("initStd must be positive and finite; initStd=" + initStd);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive; batchSize=" + batchSize);
    }
    if (historySample < 0) {
      throw new IllegalArgumentException("historySample must be >= 0 (0: the whole history); historySample="
          + historySample);
    }
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clipNorm must be >= 0 and finite (0: off); clipNorm=" + clipNorm);
    }
    if (lrDecayEpoch < 0) {
      throw new IllegalArgumentException("lrDecayEpoch must be >= 0 (0: never); lrDecayEpoch=" + lrDecayEpoch);
    }
    if (!(lrDecayFactor > 0 && lrDecayFactor <= 1)) {
      throw new IllegalArgumentException("lrDecayFactor must be in (0, 1]; lrDecayFactor=" + lrDecayFactor);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0; threads=" + threads);
    }
    if (aggregator == null) {
      throw new IllegalArgumentException("aggregator must be set (mean or cross-attention); aggregator=null");
    }
    if (attentionPadding < -1) {
      throw new IllegalArgumentException("attentionPadding must be >= -1 (-1: the longest training history, 0: none);"
          + " attentionPadding=" + attentionPadding);
    }
  }

  /**
   * dim 64, 1000 negatives, margin 0.9, weight 150, gamma 0.5, dropout 0.1: the SimpleX Yelp18 tuner's values (the
   * gowalla run differs: see bench/presets/gowalla-simplex.yaml and docs/benchmarks.md), every reference option off.
   */
  public static SimplexConfig defaults() {
    return new SimplexConfig(64, 20, 1e-3, OptimizerKind.ADAM, 1e-8, 1000, 0.9, 150, 0.5, 0.1, 1e-4, 512, 0, false, 0,
        false, false, false, 0, 0.1, false, 0, SimplexAggregator.MEAN, -1);
  }

  /** The cross-attention tower's padding term P for a history of n rows of which {@code taken} are used. */
  static float attentionPad(int padLength, int n, int taken) {
    if (padLength <= n || n == 0) {
      return 0f; // no pads (or no rows: the tower's history term is 0 whatever the denominator)
    }
    return (float) ((double) (padLength - n) * taken / n);
  }

  /** The padded length L of {@link #attentionPadding}, resolved against the longest training history. */
  int attentionPadLength(int longestHistory) {
    return attentionPadding == -1 ? longestHistory : attentionPadding;
  }

  /** The optimizer of every table (with the L2 as weight decay). */
  OptimizerConfig optimizerConfig() {
    OptimizerConfig base = switch (optimizer) {
      case SGD -> OptimizerConfig.sgd(learningRate);
      case ADAGRAD -> OptimizerConfig.adagrad(learningRate);
      case ADAM -> OptimizerConfig.adam(learningRate);
    };
    return base.withWeightDecay(l2);
  }
}
