package dev.funnel.recall.mf;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.optim.RowOptimizer;
import dev.funnel.train.BatchUsers;
import java.util.Arrays;

/**
 * One worker's MF-BPR step over a mini-batch whose examples share their negatives (the
 * {@link MfBprConfig#sharedNegatives()} mode): scratch sized once, the forward and backward pass of
 * the batch-mean BPR loss, and one optimizer step per row the batch touched.
 *
 * <p>For B examples (u_x, p_x) and N shared negatives n_j, with s(u, i) = p_u · q_i (+ b_i) and
 * c = 1/B (sum over negatives) or 1/(B N) (mean over negatives):
 *
 * <pre>
 *   L        = c · sum_x sum_j softplus(-(s(u_x, p_x) - s(u_x, n_j)))
 *   G[x][j]  = dL/ds(u_x, n_j) = c · sigma(s(u_x, n_j) - s(u_x, p_x)),   g+_x = -sum_j G[x][j]
 *   dL/dp_u  = sum over x with u_x = u of (g+_x q_{p_x} + sum_j G[x][j] q_{n_j})
 *   dL/dq_i  = sum over x with p_x = i of g+_x p_{u_x} + sum over j with n_j = i of sum_x G[x][j] p_{u_x}
 * </pre>
 *
 * Three GEMMs carry the B x N part: scores {@code S = U Nᵀ}, {@code dU += G N}, {@code dN = Gᵀ U}
 * (U the gathered user rows, N the gathered negative rows), so a batch costs 6 B N dim flops in packed
 * SIMD kernels plus O((B + N) dim) row updates, instead of B (N + 1) separate row updates. The
 * gradient is the exact gradient of L (tested against finite differences).
 *
 * <p>With {@link MfBprConfig#exampleNegatives()} each example x draws its own N negatives n_{x,j}
 * instead (BARS's sampler: 300 per positive), with the same loss and G; the scores are then B N gathered
 * dots ({@code dotMany}), {@code dL/dp_u} a weighted gather of the example's negative rows
 * ({@code gatherRows}) and each negative row gets {@code G[x][j] p_{u_x}} (an axpy): the same 6 B N dim
 * flops, on rows spread over the table rather than packed GEMMs, and about 1 - e^{-BN/I} of the I item
 * rows step at every batch.
 */
final class SharedNegativeBatch {
  private final VectorKernels k;
  private final int dim;
  private final int numNeg;
  private final boolean meanOverNegatives;
  /** Negatives per example (B x N in {@link #neg}) rather than shared by the batch. */
  private final boolean exampleNegatives;
  /** Per-example mode: one example's negative rows' offsets (item * dim) and scores. */
  private final int[] negOffsets;
  private final float[] rowScores;
  private final float[] p;
  private final float[] q;
  /** Item bias, or null without one. */
  private final float[] bias;
  private final int[] userItems;

  private final int[] exUser;
  private final int[] exPos;
  private final int[] exSlot;
  private final BatchUsers batchUsers;
  private final int[] neg;
  /** B x dim: the example users' rows. */
  private final float[] u;
  /** N x dim: the negatives' rows. */
  private final float[] n;
  private final float[] posScore;
  private final float[] posGrad;
  /** B x N scores, then overwritten by G. */
  private final float[] s;
  /** B x dim: dL/d(example user row). */
  private final float[] gradU;
  /** N x dim: dL/d(negative row j). */
  private final float[] gradN;
  /** Unique users x dim. */
  private final float[] gradUsers;
  /** Dense like the item table; rows are zeroed after their update. */
  private final float[] gradItems;
  private final float[] gradBias;
  private final int[] itemStamp;
  private final int[] touched;
  /** l2 with {@code l2EveryBatch}, else 0 (the optimizer applies the L2). */
  private final float decay;
  /** Batches started so far by all workers, and the batch of each row's last update (shared, Hogwild). */
  private final java.util.concurrent.atomic.AtomicLong batches;
  private final long[] userLast;
  private final long[] itemLast;
  private long batchIndex;
  private int b;
  private int numTouched;
  private int stamp;

  SharedNegativeBatch(VectorKernels k, MfBprConfig config, int numUsers, int numItems, float[] p, float[] q,
      float[] bias, int[] userItems) {
    this(k, config, numUsers, numItems, p, q, bias, userItems, new java.util.concurrent.atomic.AtomicLong(),
        new long[numUsers], new long[numItems]);
  }

  /** With the batch counter and last-update tables shared by all workers (for {@code l2EveryBatch}). */
  SharedNegativeBatch(VectorKernels k, MfBprConfig config, int numUsers, int numItems, float[] p, float[] q,
      float[] bias, int[] userItems, java.util.concurrent.atomic.AtomicLong batches, long[] userLast,
      long[] itemLast) {
    this.k = k;
    // with denseAdam the optimizer applies the every-batch decay itself (through Adam's moments)
    this.decay = config.l2EveryBatch() && !config.denseAdam() ? (float) config.l2() : 0f;
    this.batches = batches;
    this.userLast = userLast;
    this.itemLast = itemLast;
    this.dim = config.dim();
    this.numNeg = config.negatives();
    this.meanOverNegatives = config.meanOverNegatives();
    this.exampleNegatives = config.exampleNegatives();
    this.p = p;
    this.q = q;
    this.bias = bias;
    this.userItems = userItems;
    int maxBatch = config.batchSize();
    exUser = new int[maxBatch];
    exPos = new int[maxBatch];
    exSlot = new int[maxBatch];
    batchUsers = new BatchUsers(numUsers, maxBatch);
    neg = new int[exampleNegatives ? maxBatch * numNeg : numNeg];
    negOffsets = new int[exampleNegatives ? numNeg : 0];
    rowScores = new float[exampleNegatives ? numNeg : 0];
    u = new float[maxBatch * dim];
    n = new float[exampleNegatives ? 0 : numNeg * dim];
    posScore = new float[maxBatch];
    posGrad = new float[maxBatch];
    s = new float[maxBatch * numNeg];
    gradU = new float[maxBatch * dim];
    gradN = new float[exampleNegatives ? 0 : numNeg * dim];
    gradUsers = new float[maxBatch * dim];
    gradItems = new float[numItems * dim];
    gradBias = bias == null ? null : new float[numItems];
    itemStamp = new int[numItems];
    touched = new int[numItems];
  }

  /**
   * Draws {@code batchSize} examples uniformly over the training interactions ({@code rowUser[e]},
   * {@code userItems[e]}) and N negatives uniformly over all items (N per example with
   * {@code exampleNegatives}).
   */
  void sample(WorkerRandom random, int batchSize, int[] rowUser, int numItems) {
    clear();
    batchIndex = batches.incrementAndGet();
    b = batchSize;
    int nnz = rowUser.length;
    for (int x = 0; x < b; x++) {
      int e = random.nextInt(nnz);
      addExample(x, rowUser[e], userItems[e]);
    }
    int draws = exampleNegatives ? b * numNeg : numNeg;
    for (int j = 0; j < draws; j++) {
      neg[j] = random.nextInt(numItems);
    }
  }

  /** Sets the batch explicitly (tests); {@code negatives} holds B x N items with {@code exampleNegatives}. */
  void set(int[] users, int[] positives, int[] negatives) {
    clear();
    batchIndex = batches.incrementAndGet();
    b = users.length;
    for (int x = 0; x < b; x++) {
      addExample(x, users[x], positives[x]);
    }
    System.arraycopy(negatives, 0, neg, 0, exampleNegatives ? b * numNeg : numNeg);
  }

  private void addExample(int x, int user, int item) {
    exUser[x] = user;
    exPos[x] = item;
    exSlot[x] = batchUsers.add(user);
  }

  private void clear() {
    batchUsers.clear();
    for (int t = 0; t < numTouched; t++) {
      int item = touched[t];
      Arrays.fill(gradItems, item * dim, (item + 1) * dim, 0f);
      if (gradBias != null) {
        gradBias[item] = 0f;
      }
    }
    numTouched = 0;
    stamp++;
  }

  /** Forward and backward over the current batch: returns the batch's loss (the mean form above). */
  double forwardBackward() {
    if (exampleNegatives) {
      return forwardBackwardPerExample();
    }
    int bd = b * dim;
    for (int x = 0; x < b; x++) {
      System.arraycopy(p, exUser[x] * dim, u, x * dim, dim);
      int pOff = exPos[x] * dim;
      posScore[x] = k.dot(u, x * dim, q, pOff, dim) + (bias == null ? 0f : bias[exPos[x]]);
    }
    for (int j = 0; j < numNeg; j++) {
      System.arraycopy(q, neg[j] * dim, n, j * dim, dim);
    }
    int bn = b * numNeg;
    Arrays.fill(s, 0, bn, 0f);
    k.gemm(u, 0, b, n, 0, numNeg, dim, s, 0, numNeg);
    double c = meanOverNegatives ? 1.0 / ((double) b * numNeg) : 1.0 / b;
    float cf = (float) c;
    double loss = 0;
    for (int x = 0; x < b; x++) {
      int row = x * numNeg;
      double pos = posScore[x];
      double gPos = 0;
      for (int j = 0; j < numNeg; j++) {
        double score = s[row + j] + (bias == null ? 0f : bias[neg[j]]);
        // softplus(-d) and sigma(-d) from one exp, as in BprLoss
        double d = pos - score;
        double e = Math.exp(-Math.abs(d));
        double g = d >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
        loss += Math.max(-d, 0.0) + (e < 1e-4 ? e * (1.0 - e * (0.5 - e / 3.0)) : Math.log(1.0 + e));
        gPos -= g;
        s[row + j] = (float) g * cf;
      }
      posGrad[x] = (float) (gPos * c);
    }
    // dU = G N, dN = Gᵀ U
    Arrays.fill(gradU, 0, bd, 0f);
    k.gemmNN(s, 0, b, n, 0, dim, numNeg, gradU, 0, dim);
    Arrays.fill(gradN, 0f);
    k.gemmTN(s, 0, numNeg, u, 0, dim, b, gradN, 0, dim);
    Arrays.fill(gradUsers, 0, batchUsers.count() * dim, 0f);
    for (int x = 0; x < b; x++) {
      int off = x * dim;
      int item = exPos[x];
      k.axpy(posGrad[x], q, item * dim, gradU, off, dim);
      k.axpy(1f, gradU, off, gradUsers, exSlot[x] * dim, dim);
      touch(item);
      k.axpy(posGrad[x], u, off, gradItems, item * dim, dim);
      if (gradBias != null) {
        gradBias[item] += posGrad[x];
      }
    }
    for (int j = 0; j < numNeg; j++) {
      int item = neg[j];
      touch(item);
      k.axpy(1f, gradN, j * dim, gradItems, item * dim, dim);
      if (gradBias != null) {
        float sum = 0f;
        for (int x = 0; x < b; x++) {
          sum += s[x * numNeg + j];
        }
        gradBias[item] += sum;
      }
    }
    return loss * c;
  }

  /** {@link #forwardBackward} when every example has its own negatives: dots and axpys, no GEMM. */
  private double forwardBackwardPerExample() {
    double c = meanOverNegatives ? 1.0 / ((double) b * numNeg) : 1.0 / b;
    float cf = (float) c;
    double loss = 0;
    Arrays.fill(gradUsers, 0, batchUsers.count() * dim, 0f);
    for (int x = 0; x < b; x++) {
      int uOff = x * dim;
      System.arraycopy(p, exUser[x] * dim, u, uOff, dim);
      int item = exPos[x];
      float pos = k.dot(u, uOff, q, item * dim, dim) + (bias == null ? 0f : bias[item]);
      int row = x * numNeg;
      for (int j = 0; j < numNeg; j++) {
        negOffsets[j] = neg[row + j] * dim;
      }
      k.dotMany(u, uOff, q, negOffsets, numNeg, dim, rowScores);
      double gPos = 0;
      for (int j = 0; j < numNeg; j++) {
        double d = pos - (rowScores[j] + (bias == null ? 0f : bias[neg[row + j]]));
        double e = Math.exp(-Math.abs(d));
        double g = d >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
        loss += Math.max(-d, 0.0) + (e < 1e-4 ? e * (1.0 - e * (0.5 - e / 3.0)) : Math.log(1.0 + e));
        gPos -= g;
        s[row + j] = (float) g * cf;
      }
      float gp = (float) (gPos * c);
      // dL/dp_u: the example's negative rows weighted by G, plus g+ q_pos (rows read before any update)
      k.gatherRows(neg, s, row, row + numNeg, q, dim, gradU, uOff);
      k.axpy(gp, q, item * dim, gradU, uOff, dim);
      k.axpy(1f, gradU, uOff, gradUsers, exSlot[x] * dim, dim);
      touch(item);
      k.axpy(gp, u, uOff, gradItems, item * dim, dim);
      if (gradBias != null) {
        gradBias[item] += gp;
      }
      for (int j = 0; j < numNeg; j++) {
        int negItem = neg[row + j];
        touch(negItem);
        k.axpy(s[row + j], u, uOff, gradItems, negItem * dim, dim);
        if (gradBias != null) {
          gradBias[negItem] += s[row + j];
        }
      }
    }
    return loss * c;
  }

  private void touch(int item) {
    if (itemStamp[item] != stamp) {
      itemStamp[item] = stamp;
      touched[numTouched++] = item;
    }
  }

  /** One optimizer step per row the batch touched (biasOpt may be null without a bias). */
  void update(RowOptimizer userOpt, RowOptimizer itemOpt, RowOptimizer biasOpt) {
    for (int slot = 0; slot < batchUsers.count(); slot++) {
      int user = batchUsers.user(slot);
      if (decay > 0f) {
        long missed = batchIndex - userLast[user];
        userLast[user] = batchIndex;
        k.axpy(decay * missed, p, user * dim, gradUsers, slot * dim, dim);
      }
      userOpt.update(user, gradUsers, slot * dim);
    }
    for (int t = 0; t < numTouched; t++) {
      int item = touched[t];
      if (decay > 0f) {
        long missed = batchIndex - itemLast[item];
        itemLast[item] = batchIndex;
        k.axpy(decay * missed, q, item * dim, gradItems, item * dim, dim);
      }
      itemOpt.update(item, gradItems, item * dim);
      if (biasOpt != null) {
        biasOpt.updateScalar(item, gradBias[item]);
      }
    }
  }

  /** dL/dp_u of the last {@link #forwardBackward}, zeros if u is not in the batch (tests). */
  float[] userGradient(int user) {
    float[] g = new float[dim];
    int slot = batchUsers.slotOf(user);
    if (slot >= 0) {
      System.arraycopy(gradUsers, slot * dim, g, 0, dim);
    }
    return g;
  }

  /** dL/dq_i of the last {@link #forwardBackward} (tests). */
  float[] itemGradient(int item) {
    return Arrays.copyOfRange(gradItems, item * dim, (item + 1) * dim);
  }

  /** dL/db_i of the last {@link #forwardBackward} (tests; 0 without a bias). */
  float biasGradient(int item) {
    return gradBias == null ? 0f : gradBias[item];
  }
}
