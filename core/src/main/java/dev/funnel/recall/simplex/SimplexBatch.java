package dev.funnel.recall.simplex;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.optim.RowOptimizer;
import dev.funnel.train.BatchUsers;
import java.util.Arrays;

/**
 * One worker's SimpleX step over a batch: its scratch (sized once for the largest batch), the forward
 * pass, the gradient of the batch-mean cosine contrastive loss with respect to every row involved,
 * and one optimizer step per touched row. Split into small methods so the JIT compiles each well, and
 * so tests can check {@link #forwardBackward} against finite differences.
 *
 * <p>Per batch of B examples and N shared negatives: the B x N cosines are one GEMM of the unit user
 * vectors against the unit negatives; only pairs above the margin get a gradient.
 *
 * <p>The towers of a batch average each user's history, or (with {@code historySample} S) S of its
 * items drawn uniformly without replacement once per batch: the mean of the draw is an unbiased
 * estimate of the history mean, and only the drawn rows take a gradient and an optimizer step. The
 * history rows were most of an epoch's cost (a user drawn in proportion to its degree has about 77
 * training items on gowalla, and one Adam step per touched row), see docs/benchmarks.md.
 */
final class SimplexBatch {
  /** F.normalize's epsilon: a norm below this is treated as this, so zero vectors stay finite. */
  private static final float NORM_EPS = 1e-12f;

  private final VectorKernels k;
  private final int dim;
  private final int numNeg;
  private final float gamma;
  private final float margin;
  private final float negScale;
  private final float dropout;
  private final float keep;
  private final boolean dropoutAfterNorm;
  /** Each example draws its own negatives (neg holds B x N ids) instead of one set shared by the batch. */
  private final boolean perExample;
  /** Per-example mode: 1 / |q_i| of every item, taken once per batch. */
  private final float[] invItemNorm;
  private final float[] e;
  private final float[] q;
  /** The history table the towers average: q itself, or its own table (then gradHist, histTouched are set). */
  private final float[] h;
  private final float[] gradHist;
  private final int[] histStamp;
  private final int[] histTouched;
  private int numHistTouched;
  private final float[] v;
  private final int[] userPtr;
  private final int[] userItems;
  private final int historySample;

  private final int[] exUser;
  private final int[] exPos;
  private final int[] exSlot;
  private final BatchUsers batchUsers;
  private final float[] mean;
  private final float[] tower;
  private final float[] gradTower;
  private final float[] gradUsers;
  private final float[] mask;
  private final float[] uHat;
  /** With dropoutAfterNorm: the unit user vectors before the dropout mask. */
  private final float[] uUnit;
  private final float[] uNorm;
  private final float[] gradUHat;
  private final int[] neg;
  private final float[] nHat;
  private final float[] nNorm;
  private final float[] gradNHat;
  /** B x N cosines, then overwritten by dL/dcos (w/(B N) where the hinge is active, else 0). */
  private final float[] cos;
  private final float[] cosT;
  private final float[] nHatT;
  private final float[] uHatT;
  /** Dense, like the item table: the batch's item gradients, zeroed row by row after their update. */
  private final float[] gradItems;
  private final int[] itemStamp;
  private final int[] touched;
  private final float[] gradV;
  private final float[] scratch;
  /** Slot s's tower averages slotHistory[slotPtr[s] .. slotPtr[s+1]) (the whole history, or a draw from it). */
  private int[] slotHistory;
  private final int[] slotPtr;
  /** A copy of one user's history, partly shuffled to draw from it. */
  private final int[] pool;
  /** Cross-attention tower (else the mean): W_k, b, their gradients, the rows and keys kept per batch. */
  private final boolean attention;
  private final float[] wk;
  private final float[] bk;
  private final float[] gradWk;
  private final float[] gradBk;
  /** The padded history length L of the attention softmax (0: no padding term). */
  private final int padLength;
  /** Slot s's padding term P. */
  private final float[] slotPad;
  /** Per history row of the batch (indexed like slotHistory): gathered rows, keys, weights. */
  private float[] attRows;
  private float[] attKeys;
  private float[] attAlpha;
  /** dz and dRows of the attention backward, indexed like attRows. */
  private float[] attDz;
  private float[] attDRows;
  private int b;
  private int numTouched;
  private int stamp;
  private long activePairs;
  /** Tests: null chooses by the share of active pairs; true/false forces the dense/sparse backward. */
  Boolean denseBackward;

  SimplexBatch(VectorKernels k, SimplexConfig config, int numUsers, int numItems, float[] e, float[] q, float[] v,
      int[] userPtr, int[] userItems) {
    this(k, config, numUsers, numItems, e, q, q, v, userPtr, userItems);
  }

  /**
   * With {@code h} the table the user tower averages over the history: the item table {@code q} itself
   * (shared, the paper's form), or a table of its own (the reference's gowalla configuration).
   */
  SimplexBatch(VectorKernels k, SimplexConfig config, int numUsers, int numItems, float[] e, float[] q, float[] h,
      float[] v, int[] userPtr, int[] userItems) {
    this(k, config, numUsers, numItems, e, q, h, v, null, null, userPtr, userItems);
  }

  /**
   * With the cross-attention tower's W_k (dim x dim) and b (dim); both null with the mean tower.
   */
  SimplexBatch(VectorKernels k, SimplexConfig config, int numUsers, int numItems, float[] e, float[] q, float[] h,
      float[] v, float[] wk, float[] bk, int[] userPtr, int[] userItems) {
    this.k = k;
    this.attention = config.aggregator() == SimplexAggregator.CROSS_ATTENTION;
    if (attention && (wk == null || bk == null)) {
      throw new IllegalArgumentException("the cross-attention tower needs W_k and b; aggregator=" + config.aggregator());
    }
    this.wk = wk;
    this.bk = bk;
    this.h = h;
    boolean ownHistory = h != q;
    gradHist = ownHistory ? new float[numItems * dim(config)] : null;
    histStamp = ownHistory ? new int[numItems] : null;
    histTouched = ownHistory ? new int[numItems] : null;
    this.dim = config.dim();
    this.numNeg = config.negatives();
    this.gamma = (float) config.gamma();
    this.margin = (float) config.margin();
    this.negScale = (float) (config.negativeWeight() / numNeg);
    this.dropout = (float) config.dropout();
    this.keep = 1f / (1f - dropout);
    this.dropoutAfterNorm = config.dropoutAfterNorm();
    this.perExample = config.perExampleNegatives();
    this.e = e;
    this.q = q;
    this.v = v;
    this.userPtr = userPtr;
    this.userItems = userItems;
    this.historySample = config.historySample();
    int maxBatch = config.batchSize();
    int maxDegree = 0;
    for (int u = 0; u < numUsers; u++) {
      maxDegree = Math.max(maxDegree, userPtr[u + 1] - userPtr[u]);
    }
    pool = new int[maxDegree];
    int d0 = config.dim();
    gradWk = new float[attention ? d0 * d0 : 0];
    gradBk = new float[attention ? d0 : 0];
    padLength = config.attentionPadLength(maxDegree);
    slotPad = new float[attention ? maxBatch : 0];
    attDz = new float[0];
    attDRows = new float[0];
    attRows = new float[0];
    attKeys = new float[0];
    attAlpha = new float[0];
    slotPtr = new int[maxBatch + 1];
    slotHistory = new int[maxBatch * (historySample > 0 ? Math.min(historySample, Math.max(1, maxDegree)) : 64)];
    exUser = new int[maxBatch];
    exPos = new int[maxBatch];
    exSlot = new int[maxBatch];
    batchUsers = new BatchUsers(numUsers, maxBatch);
    mean = new float[maxBatch * dim];
    tower = new float[maxBatch * dim];
    gradTower = new float[maxBatch * dim];
    gradUsers = new float[maxBatch * dim];
    mask = new float[maxBatch * dim];
    uHat = new float[maxBatch * dim];
    uUnit = new float[config.dropoutAfterNorm() ? maxBatch * dim : 0];
    uNorm = new float[maxBatch];
    gradUHat = new float[maxBatch * dim];
    int shared = perExample ? 0 : numNeg;
    neg = new int[perExample ? maxBatch * numNeg : numNeg];
    nHat = new float[shared * dim];
    nNorm = new float[shared];
    gradNHat = new float[shared * dim];
    cos = new float[maxBatch * shared];
    cosT = new float[maxBatch * shared];
    nHatT = new float[shared * dim];
    invItemNorm = new float[perExample ? numItems : 0];
    uHatT = new float[maxBatch * dim];
    gradItems = new float[numItems * dim];
    itemStamp = new int[numItems];
    touched = new int[numItems];
    gradV = new float[dim * dim];
    scratch = new float[dim];
  }

  private static int dim(SimplexConfig config) {
    return config.dim();
  }

  /** Draws B examples uniformly over the training interactions and N negatives uniformly over the items. */
  void sample(WorkerRandom random, int batchSize, int[] rowUser, int numItems) {
    sample(random, null, 0, batchSize, rowUser, numItems);
  }

  /**
   * With {@code order} set, the batch is interactions {@code order[from .. from + batchSize)} (an epoch
   * that visits each interaction once, in a shuffled order, as the reference's data loader); null draws
   * them with replacement. Negatives and histories are drawn with {@code random} either way.
   */
  void sample(WorkerRandom random, int[] order, int from, int batchSize, int[] rowUser, int numItems) {
    int nnz = rowUser.length;
    clear();
    b = batchSize;
    for (int x = 0; x < b; x++) {
      int pos = order == null ? random.nextInt(nnz) : order[from + x];
      addExample(x, rowUser[pos], userItems[pos]);
    }
    int draws = perExample ? b * numNeg : numNeg;
    for (int j = 0; j < draws; j++) {
      neg[j] = random.nextInt(numItems);
    }
    histories(random);
  }

  /**
   * Sets the batch explicitly (tests); {@code random} draws the histories (null: whole histories). The
   * negatives are N shared ids, or B x N (example x's at [x N, x N + N)) with per-example negatives.
   */
  void set(int[] users, int[] positives, int[] negatives, WorkerRandom random) {
    clear();
    b = users.length;
    for (int x = 0; x < b; x++) {
      addExample(x, users[x], positives[x]);
    }
    System.arraycopy(negatives, 0, neg, 0, perExample ? b * numNeg : numNeg);
    histories(random);
  }

  /**
   * Fills each slot's tower history: the user's whole history, or {@code historySample} of its items
   * drawn without replacement (a partial Fisher-Yates shuffle of a copy) when it is longer and
   * {@code random} is set.
   */
  private void histories(WorkerRandom random) {
    int at = 0;
    for (int s = 0; s < batchUsers.count(); s++) {
      int u = batchUsers.user(s);
      int from = userPtr[u];
      int n = userPtr[u + 1] - from;
      int take = historySample > 0 && random != null && n > historySample ? historySample : n;
      slotPtr[s] = at;
      if (attention) {
        slotPad[s] = SimplexConfig.attentionPad(padLength, n, take);
      }
      if (at + take > slotHistory.length) {
        slotHistory = Arrays.copyOf(slotHistory, Math.max(2 * slotHistory.length, at + take));
      }
      if (take == n) {
        System.arraycopy(userItems, from, slotHistory, at, n);
      } else {
        System.arraycopy(userItems, from, pool, 0, n);
        for (int i = 0; i < take; i++) {
          int j = i + random.nextInt(n - i);
          int item = pool[j];
          pool[j] = pool[i];
          pool[i] = item;
          slotHistory[at + i] = item;
        }
      }
      at += take;
    }
    slotPtr[batchUsers.count()] = at;
  }

  /** The items slot s's tower averaged in the last batch (tests). */
  int[] history(int user) {
    int s = batchUsers.slotOf(user);
    return s < 0 ? new int[0] : Arrays.copyOfRange(slotHistory, slotPtr[s], slotPtr[s + 1]);
  }

  private void addExample(int x, int u, int item) {
    exUser[x] = u;
    exPos[x] = item;
    exSlot[x] = batchUsers.add(u);
  }

  /** Forgets the previous batch: user slots and gradient buffers back to empty. */
  private void clear() {
    Arrays.fill(gradTower, 0, batchUsers.count() * dim, 0f);
    batchUsers.clear();
    for (int t = 0; t < numTouched; t++) {
      int item = touched[t];
      Arrays.fill(gradItems, item * dim, (item + 1) * dim, 0f);
    }
    Arrays.fill(gradV, 0f);
    if (attention) {
      Arrays.fill(gradWk, 0f);
      Arrays.fill(gradBk, 0f);
    }
    numTouched = 0;
    if (gradHist != null) {
      for (int t = 0; t < numHistTouched; t++) {
        int item = histTouched[t];
        Arrays.fill(gradHist, item * dim, (item + 1) * dim, 0f);
      }
      numHistTouched = 0;
    }
    stamp++;
  }

  /**
   * Forward and backward over the current batch: returns the summed loss of its examples and leaves
   * the gradient of the batch-mean loss in the buffers. {@code random} draws the dropout masks (may be
   * null when dropout is 0).
   */
  double forwardBackward(WorkerRandom random) {
    towers();
    userVectors(random);
    if (perExample) {
      return perExampleForwardBackward();
    }
    negatives();
    Arrays.fill(cos, 0, b * numNeg, 0f);
    k.gemm(uHat, 0, b, nHat, 0, numNeg, dim, cos, 0, numNeg);
    double loss = 0;
    long active = 0;
    for (int x = 0; x < b; x++) {
      loss += positive(x);
      loss += negScale * hinge(x);
    }
    for (int x = 0; x < b * numNeg; x++) {
      active += cos[x] != 0f ? 1 : 0;
    }
    activePairs += active;
    Arrays.fill(gradNHat, 0f);
    boolean dense = denseBackward != null ? denseBackward : active * 8 >= (long) b * numNeg;
    if (!dense) {
      sparseNegativeBackward();
    } else {
      denseNegativeBackward();
    }
    for (int x = 0; x < b; x++) {
      userBackward(x);
    }
    negativeGradients();
    towerGradients();
    return loss;
  }

  /**
   * Per-example negatives (the reference's sampling: each example its own N uniform items): one dot
   * product per (example, negative) against the raw item row times its inverse norm, and a gradient
   * only for the pairs above the margin, accumulated straight into the user's and the item's buffers.
   */
  private double perExampleForwardBackward() {
    int numItems = invItemNorm.length;
    for (int i = 0; i < numItems; i++) {
      invItemNorm[i] = 1f / Math.max(k.norm(q, i * dim, dim), NORM_EPS);
    }
    float w = negScale / b;
    double loss = 0;
    long active = 0;
    for (int x = 0; x < b; x++) {
      loss += positive(x);
      int off = x * dim;
      int row = x * numNeg;
      double hinge = 0;
      for (int j = 0; j < numNeg; j++) {
        int item = neg[row + j];
        int qOff = item * dim;
        float inv = invItemNorm[item];
        float c = k.dot(uHat, off, q, qOff, dim) * inv;
        if (c > margin) {
          hinge += c - margin;
          active++;
          touch(item);
          // d cos / d uHat = q / |q|; d cos / d q = (uHat - cos qHat) / |q|
          k.axpy(w * inv, q, qOff, gradUHat, off, dim);
          float a = w * inv;
          float bq = -a * c * inv;
          for (int d = 0; d < dim; d++) {
            gradItems[qOff + d] += a * uHat[off + d] + bq * q[qOff + d];
          }
        }
      }
      loss += negScale * hinge;
    }
    activePairs += active;
    for (int x = 0; x < b; x++) {
      userBackward(x);
    }
    towerGradients();
    return loss;
  }

  private void towers() {
    if (attention) {
      attentionTowers();
      return;
    }
    for (int s = 0; s < batchUsers.count(); s++) {
      int u = batchUsers.user(s);
      BehaviorAggregator.forward(e, u * dim, h, slotHistory, slotPtr[s], slotPtr[s + 1], v, gamma, dim, mean, s * dim,
          tower, s * dim);
    }
  }

  private void attentionTowers() {
    int rows = slotPtr[batchUsers.count()];
    if (attAlpha.length < rows) {
      attAlpha = new float[rows];
      attRows = new float[rows * dim];
      attKeys = new float[rows * dim];
      attDz = new float[rows * dim];
      attDRows = new float[rows * dim];
    }
    // the keys of every user's rows in one GEMM, then each user's softmax
    CrossAttentionAggregator.keys(k, h, slotHistory, 0, rows, wk, bk, dim, attRows, attKeys, 0);
    for (int s = 0; s < batchUsers.count(); s++) {
      int u = batchUsers.user(s);
      CrossAttentionAggregator.attend(k, e, u * dim, slotPtr[s + 1] - slotPtr[s], v, gamma, slotPad[s], dim, attRows,
          attKeys, slotPtr[s] * dim, attAlpha, slotPtr[s], mean, s * dim, tower, s * dim);
    }
  }

  private void userVectors(WorkerRandom random) {
    for (int x = 0; x < b; x++) {
      int off = x * dim;
      int tOff = exSlot[x] * dim;
      if (dropout > 0) {
        for (int d = 0; d < dim; d++) {
          mask[off + d] = random.nextFloat() < dropout ? 0f : keep;
        }
      } else {
        Arrays.fill(mask, off, off + dim, 1f);
      }
      if (dropoutAfterNorm) {
        // the reference's order: uHat = mask * t / |t| (a dropped-out unit vector, not a unit vector)
        float n = Math.max(k.norm(tower, tOff, dim), NORM_EPS);
        uNorm[x] = n;
        float inv = 1f / n;
        for (int d = 0; d < dim; d++) {
          float unit = tower[tOff + d] * inv;
          uUnit[off + d] = unit;
          uHat[off + d] = unit * mask[off + d];
        }
      } else {
        for (int d = 0; d < dim; d++) {
          uHat[off + d] = tower[tOff + d] * mask[off + d];
        }
        float n = Math.max(k.norm(uHat, off, dim), NORM_EPS);
        uNorm[x] = n;
        k.scale(1f / n, uHat, off, dim);
      }
    }
  }

  private void negatives() {
    for (int j = 0; j < numNeg; j++) {
      int off = j * dim;
      System.arraycopy(q, neg[j] * dim, nHat, off, dim);
      float n = Math.max(k.norm(nHat, off, dim), NORM_EPS);
      nNorm[j] = n;
      k.scale(1f / n, nHat, off, dim);
    }
  }

  /** The positive term of example x: sets its dL/d uHat to the positive part, adds dL/dq_p; returns 1 - cos. */
  private double positive(int x) {
    float c = 1f / b; // the loss is the batch mean
    int off = x * dim;
    // d(1 - cos)/d uHat = -pHat, d/dq_p = -(uHat - cos pHat) / |q_p|
    int item = exPos[x];
    int pOff = item * dim;
    float pNorm = Math.max(k.norm(q, pOff, dim), NORM_EPS);
    float cosP = k.dot(uHat, off, q, pOff, dim) / pNorm;
    if (cosP >= 1f) { // relu(1 - s): only reachable with dropout after the normalisation
      Arrays.fill(gradUHat, off, off + dim, 0f);
      return 0.0;
    }
    touch(item);
    float invP = c / pNorm;
    for (int d = 0; d < dim; d++) {
      float ph = q[pOff + d] / pNorm;
      gradUHat[off + d] = -c * ph;
      gradItems[pOff + d] -= invP * (uHat[off + d] - cosP * ph);
    }
    return 1.0 - cosP;
  }

  /** Sum of example x's hinges; overwrites its row of cosines with dL/dcos (w / (B N) or 0). */
  private double hinge(int x) {
    float w = negScale / b;
    int row = x * numNeg;
    double sum = 0;
    for (int j = 0; j < numNeg; j++) {
      float s = cos[row + j];
      if (s > margin) {
        sum += s - margin;
        cos[row + j] = w;
      } else {
        cos[row + j] = 0f;
      }
    }
    return sum;
  }

  /** Few active pairs: one axpy pair per active (example, negative). */
  private void sparseNegativeBackward() {
    for (int x = 0; x < b; x++) {
      int row = x * numNeg;
      int off = x * dim;
      for (int j = 0; j < numNeg; j++) {
        float g = cos[row + j];
        if (g != 0f) {
          k.axpy(g, nHat, j * dim, gradUHat, off, dim);
          k.axpy(g, uHat, off, gradNHat, j * dim, dim);
        }
      }
    }
  }

  /** Many active pairs: dUHat += G NHat and dNHat = Gᵀ UHat as two GEMMs (C += A Bᵀ on transposed copies). */
  private void denseNegativeBackward() {
    transpose(nHat, numNeg, dim, nHatT);
    k.gemm(cos, 0, b, nHatT, 0, dim, numNeg, gradUHat, 0, dim);
    transpose(cos, b, numNeg, cosT);
    transpose(uHat, b, dim, uHatT);
    k.gemm(cosT, 0, numNeg, uHatT, 0, dim, b, gradNHat, 0, dim);
  }

  /** {@code out (cols x rows) = in (rows x cols)ᵀ}, row-major. */
  private static void transpose(float[] in, int rows, int cols, float[] out) {
    for (int r = 0; r < rows; r++) {
      int off = r * cols;
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = in[off + c];
      }
    }
  }

  /** Back through the normalisation and the dropout of example x into the tower of its user. */
  private void userBackward(int x) {
    int off = x * dim;
    float inv = 1f / uNorm[x];
    int tOff = exSlot[x] * dim;
    if (dropoutAfterNorm) {
      // uHat = mask * u, u = t / |t|: dL/du = mask * dL/duHat, dL/dt = (dL/du - (dL/du . u) u) / |t|
      float proj = 0f;
      for (int d = 0; d < dim; d++) {
        proj += gradUHat[off + d] * mask[off + d] * uUnit[off + d];
      }
      for (int d = 0; d < dim; d++) {
        gradTower[tOff + d] += (gradUHat[off + d] * mask[off + d] - proj * uUnit[off + d]) * inv;
      }
      return;
    }
    float proj = k.dot(gradUHat, off, uHat, off, dim);
    for (int d = 0; d < dim; d++) {
      gradTower[tOff + d] += (gradUHat[off + d] - proj * uHat[off + d]) * inv * mask[off + d];
    }
  }

  private void negativeGradients() {
    for (int j = 0; j < numNeg; j++) {
      int off = j * dim;
      float sq = k.sumOfSquares(gradNHat, off, dim);
      if (sq == 0f) {
        continue; // inactive for every example
      }
      float proj = k.dot(gradNHat, off, nHat, off, dim);
      int item = neg[j];
      touch(item);
      float inv = 1f / nNorm[j];
      int gOff = item * dim;
      for (int d = 0; d < dim; d++) {
        gradItems[gOff + d] += (gradNHat[off + d] - proj * nHat[off + d]) * inv;
      }
    }
  }

  private void towerGradients() {
    float[] histGrad = gradHist != null ? gradHist : gradItems;
    for (int s = 0; s < batchUsers.count(); s++) {
      int sOff = s * dim;
      Arrays.fill(gradUsers, sOff, sOff + dim, 0f);
      if (attention) {
        CrossAttentionAggregator.backwardAttend(k, gradTower, sOff, e, batchUsers.user(s) * dim,
            slotPtr[s + 1] - slotPtr[s], v, gamma, dim, attRows, attKeys, slotPtr[s] * dim, attAlpha, slotPtr[s], mean,
            sOff, gradUsers, sOff, gradBk, gradV, scratch, attDz, attDRows);
      } else {
        BehaviorAggregator.backward(gradTower, sOff, mean, sOff, slotHistory, slotPtr[s], slotPtr[s + 1], v, gamma,
            dim, gradUsers, sOff, gradV, histGrad, scratch);
      }
      if (gamma < 1f) {
        for (int p = slotPtr[s]; p < slotPtr[s + 1]; p++) {
          if (gradHist != null) {
            touchHistory(slotHistory[p]);
          } else {
            touch(slotHistory[p]);
          }
        }
      }
    }
    if (attention) {
      CrossAttentionAggregator.backwardKeys(k, slotHistory, 0, slotPtr[batchUsers.count()], wk, dim, attRows, 0, attDz,
          attDRows, gradWk, histGrad);
    }
  }

  private void touchHistory(int item) {
    if (histStamp[item] != stamp) {
      histStamp[item] = stamp;
      histTouched[numHistTouched++] = item;
    }
  }

  private void touch(int item) {
    if (itemStamp[item] != stamp) {
      itemStamp[item] = stamp;
      touched[numTouched++] = item;
    }
  }

  /**
   * Scales the whole gradient of the last {@link #forwardBackward} (users, touched items, V) down to L2
   * norm {@code maxNorm} when it is longer (PyTorch's {@code clip_grad_norm_}, which the reference trainer
   * applies at every batch); returns the norm before clipping. Rows outside the batch have no gradient.
   */
  double clip(float maxNorm) {
    double sq = 0;
    for (int s = 0; s < batchUsers.count(); s++) {
      sq += k.sumOfSquares(gradUsers, s * dim, dim);
    }
    for (int t = 0; t < numTouched; t++) {
      sq += k.sumOfSquares(gradItems, touched[t] * dim, dim);
    }
    for (int t = 0; t < numHistTouched; t++) {
      sq += k.sumOfSquares(gradHist, histTouched[t] * dim, dim);
    }
    if (gamma < 1f) {
      sq += k.sumOfSquares(gradV, 0, dim * dim);
      if (attention) {
        sq += k.sumOfSquares(gradWk, 0, dim * dim) + k.sumOfSquares(gradBk, 0, dim);
      }
    }
    double norm = Math.sqrt(sq);
    if (norm > maxNorm) {
      float f = (float) (maxNorm / norm);
      for (int s = 0; s < batchUsers.count(); s++) {
        k.scale(f, gradUsers, s * dim, dim);
      }
      for (int t = 0; t < numTouched; t++) {
        k.scale(f, gradItems, touched[t] * dim, dim);
      }
      for (int t = 0; t < numHistTouched; t++) {
        k.scale(f, gradHist, histTouched[t] * dim, dim);
      }
      k.scale(f, gradV, 0, dim * dim);
      if (attention) {
        k.scale(f, gradWk, 0, dim * dim);
        k.scale(f, gradBk, 0, dim);
      }
    }
    return norm;
  }

  /** One optimizer step per row the batch touched, the history table's rows with {@code histOpt}. */
  void update(RowOptimizer userOpt, RowOptimizer itemOpt, RowOptimizer vOpt, RowOptimizer histOpt) {
    update(userOpt, itemOpt, vOpt);
    for (int t = 0; t < numHistTouched; t++) {
      int item = histTouched[t];
      histOpt.update(item, gradHist, item * dim);
    }
  }

  /** One optimizer step per row the batch touched (history rows of a table of their own: see the overload). */
  void update(RowOptimizer userOpt, RowOptimizer itemOpt, RowOptimizer vOpt) {
    for (int s = 0; s < batchUsers.count(); s++) {
      userOpt.update(batchUsers.user(s), gradUsers, s * dim);
    }
    for (int t = 0; t < numTouched; t++) {
      int item = touched[t];
      itemOpt.update(item, gradItems, item * dim);
    }
    if (gamma < 1f) {
      for (int r = 0; r < dim; r++) {
        vOpt.update(r, gradV, r * dim);
      }
    }
  }

  /** One optimizer step on each row of W_k and on b (the cross-attention tower; nothing with gamma 1). */
  void updateAttention(RowOptimizer wkOpt, RowOptimizer bOpt) {
    if (!attention || gamma >= 1f) {
      return;
    }
    for (int r = 0; r < dim; r++) {
      wkOpt.update(r, gradWk, r * dim);
    }
    bOpt.update(0, gradBk, 0);
  }

  /** dL/dW_k of the last {@link #forwardBackward} (tests). */
  float[] wkGradient() {
    return gradWk.clone();
  }

  /** dL/db of the last {@link #forwardBackward} (tests). */
  float[] bGradient() {
    return gradBk.clone();
  }

  /** dL/de_u of the last {@link #forwardBackward}, or zeros if u is not in the batch (tests). */
  float[] userGradient(int u) {
    float[] g = new float[dim];
    int s = batchUsers.slotOf(u);
    if (s >= 0) {
      System.arraycopy(gradUsers, s * dim, g, 0, dim);
    }
    return g;
  }

  /** dL/dq_i of the last {@link #forwardBackward} (tests). */
  float[] itemGradient(int item) {
    return Arrays.copyOfRange(gradItems, item * dim, (item + 1) * dim);
  }

  /** dL/dh_i of the history table of its own, of the last {@link #forwardBackward} (tests). */
  float[] historyGradient(int item) {
    return Arrays.copyOfRange(gradHist, item * dim, (item + 1) * dim);
  }

  /** dL/dV of the last {@link #forwardBackward} (tests). */
  float[] vGradient() {
    return gradV.clone();
  }

  /** Pairs above the margin so far (for the log: how sparse the negative backward pass is). */
  long activePairs() {
    return activePairs;
  }
}
