package dev.funnel.train.optim;

import dev.funnel.kernel.Kernels;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Adam with the semantics of dense Adam over an embedding table (PyTorch's {@code torch.optim.Adam} on an
 * {@code nn.Embedding}: every row steps at every batch, a row without gradient keeps moving on its
 * decaying momentum, its second moment decays, bias correction uses the global step) at the cost of a
 * lazy one: a row is stepped only when a batch touches it, after applying in closed form the k
 * gradient-free steps it missed since its last touch. With zero gradient, dense Adam's step i of the gap
 * is {@code -lr c1 beta1^i m / (sqrt(c2 beta2^i v) + eps)}, so the whole gap is
 *
 * <pre>
 *   w -= lr c1 / sqrt(c2) * m / (sqrt(v) + eps') * sum_{i=1..k} r^i,   r = beta1 / sqrt(beta2)
 *   m *= beta1^k,  v *= beta2^k
 * </pre>
 *
 * exact but for epsilon, kept outside the sum ({@code eps' = eps / sqrt(c2)}; it matters only for rows
 * whose v is near eps²). The bias corrections differ from step to step early on, so while the gap starts
 * before step {@value #EXACT} the sum is taken term by term with each step's {@code c1 / sqrt(c2)}
 * (at most 256 terms: r^256 is below 1e-11); later the current step's corrections stand for the whole
 * gap (they are then within 1 % of 1). The coupled L2 term of the missed steps ({@code lambda w}) is
 * left out, unless {@link #decayEveryStep(boolean)} is on.
 *
 * <p>With {@link #decayEveryStep(boolean)} the L2 acts as a {@code lambda/2 |W|²} of the whole table added
 * to every batch's loss does under dense Adam (BARS's MF-BPR: its regulariser goes through Adam's
 * moments, so an untouched row still sees the gradient {@code lambda w} at every step). The missed steps
 * then have no closed form (the decay's gradient moves with w), so they are replayed one by one when the
 * row is next touched: {@code g = lambda w; m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g²;
 * w -= lr c1(s) m / (sqrt(c2(s) v) + eps)} for each missed step s, each with its own bias corrections.
 * That is exactly dense Adam (up to float rounding), at the flops of a dense step of every row per batch
 * but on the row's own cache lines instead of a sweep of the table.
 *
 * <p>Why: lazy Adam (see {@link AdamOptimizer}) gives a row touched once in 1/p batches a normalised
 * step of about lr per touch, dense Adam about lr / sqrt(p) (its v decays between touches and its
 * momentum carries the step over the following batches). Sampled-negative models touch most item rows
 * rarely, so the two differ; the reference implementations of such models (SimpleX, MF-CCL) use dense
 * Adam.
 *
 * <p>The global step is a batch clock the trainer advances with {@link #tick()} once per batch; {@link
 * #flush()} brings every row up to the clock (before reading the table). Hogwild: the clock is atomic;
 * a race on a row's last-step counter can only replay or drop part of one gap.
 */
public final class CatchUpAdam implements RowOptimizer {
  private static final int TABLE = 1 << 14;
  /** Gaps starting before this step are summed term by term (bias corrections still changing). */
  static final int EXACT = 4096;

  private final EmbeddingTable table;
  private final float[] w;
  /** Row r's first moments at [2*r*dim, 2*r*dim + dim), its second moments right after. */
  private final float[] moments;
  /** The clock value of row r's last step (0: never stepped). */
  private final int[] last;
  private final AtomicInteger clock = new AtomicInteger();
  private final int dim;
  private final float weightDecay;
  private final double beta1;
  private final double beta2;
  private final float epsilon;
  /** beta1^k, beta2^k and sum_{i=1..k} r^i for gaps k below TABLE. */
  private final float[] decay1;
  private final float[] decay2;
  private final float[] drift;
  /** c1(t) / sqrt(c2(t)) and 1 / sqrt(c2(t)) for t below TABLE. */
  private final double[] corr;
  private final double[] invSqrtC2;
  private final double ratio;
  /** Float c1(t), c2(t) for t below TABLE (1 beyond), for replayed steps. */
  private final float[] c1f;
  private final float[] c2f;
  private float learningRate;
  private boolean decayEveryStep;
  /** Per gap length k: (clock t << 32) | float bits of {@link #earlyCoefficient}(t, k); t = 0 never matches. */
  private final long[] coefCache = new long[TABLE];

  public CatchUpAdam(EmbeddingTable table, OptimizerConfig config) {
    if (config.kind() != OptimizerKind.ADAM) {
      throw new IllegalArgumentException("CatchUpAdam needs an ADAM config; kind=" + config.kind());
    }
    this.table = table;
    this.w = table.data();
    this.dim = table.dim();
    this.moments = new float[2 * w.length];
    this.last = new int[table.rows()];
    this.weightDecay = (float) config.weightDecay();
    this.beta1 = config.beta1();
    this.beta2 = config.beta2();
    this.epsilon = (float) config.epsilon();
    this.learningRate = (float) config.learningRate();
    decay1 = new float[TABLE];
    decay2 = new float[TABLE];
    drift = new float[TABLE];
    double r = beta1 / Math.sqrt(beta2);
    ratio = r;
    corr = new double[TABLE];
    invSqrtC2 = new double[TABLE];
    c1f = new float[TABLE];
    c2f = new float[TABLE];
    for (int t = 1; t < TABLE; t++) {
      double c2 = 1.0 / (1.0 - Math.pow(beta2, t));
      c1f[t] = (float) (1.0 / (1.0 - Math.pow(beta1, t)));
      c2f[t] = (float) c2;
      corr[t] = (1.0 / (1.0 - Math.pow(beta1, t))) / Math.sqrt(c2);
      invSqrtC2[t] = 1.0 / Math.sqrt(c2);
    }
    double sum = 0;
    double rk = 1;
    for (int k = 0; k < TABLE; k++) {
      decay1[k] = (float) Math.pow(beta1, k);
      decay2[k] = (float) Math.pow(beta2, k);
      drift[k] = (float) sum;
      rk *= r;
      sum += rk;
    }
  }

  /**
   * Makes the weight decay act at every step on every row, touched or not (dense Adam over a loss with
   * the whole table's L2), by replaying the missed steps; off by default (decay on touched steps only).
   */
  public CatchUpAdam decayEveryStep(boolean on) {
    this.decayEveryStep = on;
    return this;
  }

  /** Advances the batch clock by one step (call once per batch, before its updates). */
  public void tick() {
    clock.incrementAndGet();
  }

  /** The batch clock (global step). */
  public int clock() {
    return clock.get();
  }

  /** Applies every row's missed gradient-free steps up to the clock. */
  public void flush() {
    int t = clock.get();
    for (int row = 0; row < last.length; row++) {
      int gap = t - last[row];
      last[row] = t;
      catchUp(row, t + 1, gap); // the steps last+1 .. t
    }
  }

  @Override
  public EmbeddingTable table() {
    return table;
  }

  @Override
  public void update(int row, float[] grad, int gradOff) {
    step(row, 1f, grad, gradOff, weightDecay);
  }

  @Override
  public void updateScaled(int row, float alpha, float[] x, int xOff) {
    step(row, alpha, x, xOff, weightDecay);
  }

  @Override
  public void updateAffine(int row, float alpha, float[] x, int xOff, float beta) {
    step(row, alpha, x, xOff, weightDecay + beta);
  }

  private void step(int row, float alpha, float[] grad, int gradOff, float decay) {
    int t = Math.max(1, clock.get());
    int gap = t - last[row] - 1; // the steps between the last touch and this one had no gradient
    last[row] = t; // claimed before the replay: another Hogwild worker touching the row skips the gap
    if (gap > 0) {
      catchUp(row, t, gap);
    }
    int tc = Math.min(t, TABLE - 1); // tabulated: one pow pair per row step was a visible cost
    float c1 = c1f[tc];
    float c2 = c2f[tc];
    int base = row * dim;
    Kernels.get().adamStep(alpha, grad, gradOff, decay, w, base, moments, 2 * base, 2 * base + dim, (float) beta1,
        (float) beta2, learningRate, c1, c2, epsilon, dim);
  }

  /** The k gradient-free dense steps t-k .. t-1, in closed form. */
  private void catchUp(int row, int t, int k) {
    if (k <= 0) {
      return;
    }
    if (decayEveryStep && weightDecay > 0f) {
      replay(row, t - k, k);
      return;
    }
    int tc = Math.min(Math.max(t, 1), TABLE - 1);
    float d1;
    float d2;
    float s;
    if (k < TABLE) {
      d1 = decay1[k];
      d2 = decay2[k];
      s = drift[k];
    } else {
      d1 = (float) Math.pow(beta1, k);
      d2 = (float) Math.pow(beta2, k);
      s = drift[TABLE - 1]; // the geometric sum has converged long before
    }
    int from = t - k; // the gap is steps from .. t-1
    double coef;
    if (from < EXACT) {
      coef = earlyCoefficient(t, k);
    } else {
      coef = corr[tc] * s;
    }
    float a = (float) (learningRate * coef);
    float eps = (float) (epsilon * invSqrtC2[tc]);
    int base = row * dim;
    int mBase = 2 * base;
    int vBase = mBase + dim;
    // w -= a m / (sqrt(v) + eps) is adamStep with beta1 = beta2 = 1, no gradient and no corrections
    // (m and v pass through unchanged), on the SIMD kernels; then the moments decay by beta^k.
    dev.funnel.kernel.VectorKernels kern = Kernels.get();
    kern.adamStep(0f, w, base, 0f, w, base, moments, mBase, vBase, 1f, 1f, a, 1f, 1f, eps, dim);
    kern.scale(d1, moments, mBase, dim);
    kern.scale(d2, moments, vBase, dim);
  }

  /**
   * sum_{i<min(k,256)} r^{i+1} c1/sqrt(c2) at step t-k+i: the gap's drift while the bias corrections
   * still change. All rows caught up at one clock value t share it for equal k, so it is cached per k
   * with its t packed in one long (a torn or stale entry is recomputed, never misread).
   */
  private double earlyCoefficient(int t, int k) {
    int slot = Math.min(k, TABLE - 1);
    long e = coefCache[slot];
    if ((int) (e >>> 32) == t && k < TABLE) {
      return Float.intBitsToFloat((int) e);
    }
    int from = t - k;
    double coef = 0;
    double rk = 1;
    int terms = Math.min(k, 256);
    for (int i = 0; i < terms; i++) {
      rk *= ratio;
      coef += rk * corr[Math.min(from + i, TABLE - 1)];
    }
    if (k < TABLE) {
      coefCache[slot] = ((long) t << 32) | (Float.floatToRawIntBits((float) coef) & 0xffffffffL);
    }
    return coef;
  }

  /** The k steps from .. from+k-1 of dense Adam with only the decay's gradient {@code lambda w}. */
  private void replay(int row, int from, int k) {
    int base = row * dim;
    Kernels.get().adamDecaySteps(w, base, moments, 2 * base, 2 * base + dim, weightDecay, (float) beta1,
        (float) beta2, learningRate, c1f, c2f, Math.max(from, 1), k, epsilon, dim);
  }

  @Override
  public float learningRate() {
    return learningRate;
  }

  @Override
  public void setLearningRate(float learningRate) {
    this.learningRate = SgdOptimizer.checkLearningRate(learningRate);
  }

  @Override
  public void writeState(java.io.DataOutput out) throws java.io.IOException {
    throw new UnsupportedOperationException("CatchUpAdam has no checkpoint format yet; flush() and train on");
  }

  @Override
  public void readState(java.io.DataInput in) throws java.io.IOException {
    throw new UnsupportedOperationException("CatchUpAdam has no checkpoint format yet");
  }
}
