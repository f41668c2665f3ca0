package dev.funnel.recall.bspm;

import dev.funnel.data.Interactions;
import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.HistoryScorer;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A trained graph filter (see {@link Bspm}): the normalised matrix, rebuilt from the training data,
 * and the top right singular vectors of R̃. Scores are linear in the history vector r, so a user
 * is scored from the training row plus any request-time triggers with no retraining.
 *
 * <p>Users are scored in blocks of up to {@value #BLOCK} columns held item-major ({@code numItems x
 * width}), so every filter application is two passes of SIMD row gathers (width a multiple of 8)
 * over the nonzeros. Per block: the blur through the user side (sparse from r), the ideal low-pass
 * term {@code β r D^-1/2 V Vᵀ D^1/2} by one GEMM, then the sharpening steps, each one (Euler) or
 * four (RK4) filter applications. About 50 MB of scratch per concurrent caller (gowalla), of which
 * at most one per core is kept between calls.
 */
final class BspmModel implements RecallModel, HistoryScorer {
  static final int BLOCK = 64;
  /** Scratches kept between calls: one per core. */
  private static final int POOLED = Runtime.getRuntime().availableProcessors();

  private final BspmConfig config;
  private final Interactions train;
  private final NormalizedRatings ratings;
  private final VectorKernels kernels;
  /** Right singular vectors, item-major {@code numItems x factors}. */
  private final float[] factors;
  /** Their singular values squared (the eigenvalues of P̃), descending. */
  private final float[] eigenvalues;
  private final int k;
  private final ConcurrentLinkedQueue<Scratch> pool = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pooled = new AtomicInteger();

  BspmModel(BspmConfig config, Interactions train, NormalizedRatings ratings, VectorKernels kernels, float[] factors,
      float[] eigenvalues) {
    this.config = config;
    this.train = train;
    this.ratings = ratings;
    this.kernels = kernels;
    this.k = eigenvalues.length;
    if (factors.length != (long) k * train.numItems()) {
      throw new IllegalArgumentException("expected " + k + " x " + train.numItems() + " factors; length=" + factors.length);
    }
    this.factors = factors;
    this.eigenvalues = eigenvalues;
  }

  @Override
  public String algorithm() {
    return Bspm.NAME;
  }

  @Override
  public BspmConfig config() {
    return config;
  }

  @Override
  public int numUsers() {
    return train.numUsers();
  }

  @Override
  public int numItems() {
    return train.numItems();
  }

  /** The eigenvalues of P̃ behind the ideal low-pass filter (squared singular values of R̃), descending. */
  float[] eigenvalues() {
    return eigenvalues.clone();
  }

  @Override
  public boolean knowsUser(int user) {
    return train.userDegree(user) > 0;
  }

  @Override
  public void scoreUser(int user, float[] out) {
    scoreUsers(user, user + 1, out);
  }

  @Override
  public void scoreUsers(int from, int to, float[] out) {
    Objects.checkFromToIndex(from, to, train.numUsers());
    int[] users = new int[to - from];
    for (int u = from; u < to; u++) {
      users[u - from] = u;
    }
    scoreRows(users, out);
  }

  /** Scores the training rows of {@code users}, user {@code users[r]} into row r of {@code out}, a block at a time. */
  private void scoreRows(int[] users, float[] out) {
    int[] ptr = train.userPtr();
    int[] items = train.userItems();
    Scratch s = take();
    try {
      for (int b = 0; b < users.length; b += BLOCK) {
        int count = Math.min(BLOCK, users.length - b);
        s.histPtr[0] = 0;
        int n = 0;
        for (int c = 0; c < count; c++) {
          int u = users[b + c];
          for (int p = ptr[u]; p < ptr[u + 1]; p++) {
            n = s.add(n, items[p], 1f);
          }
          s.histPtr[c + 1] = n;
        }
        scoreBlock(s, count, out, b * train.numItems());
      }
    } finally {
      release(s);
    }
  }

  /**
   * Writes the filtered row of each item in [from, to) (the scores of a history holding that item
   * alone, weight 1) into row {@code item - from} of {@code out}: the item-item matrix of the linear
   * filter, a block of {@value #BLOCK} items per filter pass.
   */
  void scoreItemRows(int from, int to, float[] out) {
    Objects.checkFromToIndex(from, to, train.numItems());
    Scratch s = take();
    try {
      for (int b = from; b < to; b += BLOCK) {
        int count = Math.min(BLOCK, to - b);
        s.histPtr[0] = 0;
        for (int c = 0; c < count; c++) {
          s.histPtr[c + 1] = s.add(c, b + c, 1f);
        }
        scoreBlock(s, count, out, (b - from) * train.numItems());
      }
    } finally {
      release(s);
    }
  }

  /** Scores the users a block at a time: one filter pass serves up to {@value #BLOCK} users. */
  @Override
  public ScoredItems[] recommendBatch(int[] users, int k, ItemFilter filter) {
    int numItems = train.numItems();
    for (int u : users) {
      Objects.checkIndex(u, train.numUsers());
    }
    ScoredItems[] result = new ScoredItems[users.length];
    float[] scores = new float[Math.min(users.length, BLOCK) * numItems];
    float[] row = new float[numItems];
    for (int b = 0; b < users.length; b += BLOCK) {
      int count = Math.min(BLOCK, users.length - b);
      scoreRows(Arrays.copyOfRange(users, b, b + count), scores);
      for (int c = 0; c < count; c++) {
        System.arraycopy(scores, c * numItems, row, 0, numItems);
        result[b + c] = TopK.select(row, k, filter);
      }
    }
    return result;
  }

  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    Objects.checkIndex(item, train.numItems());
    float[] scores = new float[train.numItems()];
    scoreItemRows(item, item + 1, scores);
    scores[item] = Float.NEGATIVE_INFINITY;
    return TopK.select(scores, k, filter);
  }

  @Override
  public ScoredItems recommendFromHistory(int user, int[] items, float[] weights, int k, ItemFilter filter) {
    if (items.length != weights.length) {
      throw new IllegalArgumentException("items and weights differ in length: " + items.length + " vs " + weights.length);
    }
    int numItems = train.numItems();
    for (int item : items) {
      if (item < 0 || item >= numItems) {
        throw new IllegalArgumentException("trigger item " + item + " is not an item of the model (0.." + (numItems - 1) + ")");
      }
    }
    float[] scores = new float[numItems];
    Scratch s = take();
    try {
      int n = 0;
      if (user >= 0) {
        Objects.checkIndex(user, train.numUsers());
        for (int p = train.userPtr()[user]; p < train.userPtr()[user + 1]; p++) {
          n = s.add(n, train.userItems()[p], 1f);
        }
      }
      for (int t = 0; t < items.length; t++) {
        if (weights[t] > 0) {
          n = s.add(n, items[t], weights[t]);
        }
      }
      s.histPtr[0] = 0;
      s.histPtr[1] = n;
      scoreBlock(s, 1, scores, 0);
    } finally {
      release(s);
    }
    return TopK.select(scores, k, filter);
  }

  /**
   * Scores the {@code count} histories in {@code s} (column c: entries {@code histPtr[c] ..
   * histPtr[c+1]} of histItems/histValues) into {@code out}, history c in row c from {@code outOff}.
   */
  private void scoreBlock(Scratch s, int count, float[] out, int outOff) {
    int numItems = train.numItems();
    int width = (count + 7) & ~7;
    // Blur: t = R̃ r, sparse from r's items, then y = R̃ᵀ t.
    float[] t = s.users;
    ratings.toUsersFromHistories(s.histPtr, s.histItems, s.histValues, count, t, width);
    float[] y = s.y;
    ratings.toItems(t, y, width);
    // Ideal low-pass: y += β D^1/2 V (Vᵀ D^-1/2 r).
    if (k > 0 && config.idealWeight() > 0) {
      float[] a = s.coefficients;
      for (int c = 0; c < count; c++) {
        for (int p = s.histPtr[c]; p < s.histPtr[c + 1]; p++) {
          s.histScaled[p] = s.histValues[p] * ratings.itemInvSqrtDegree[s.histItems[p]];
        }
        kernels.gatherRows(s.histItems, s.histScaled, s.histPtr[c], s.histPtr[c + 1], factors, k, a, c * k);
      }
      Arrays.fill(a, count * k, width * k, 0f);
      float[] ideal = s.stage;
      Arrays.fill(ideal, 0, numItems * width, 0f);
      kernels.gemm(factors, 0, numItems, a, 0, width, k, ideal, 0, width);
      float beta = (float) config.idealWeight();
      for (int i = 0; i < numItems; i++) {
        kernels.axpy(beta * ratings.itemSqrtDegree[i], ideal, i * width, y, i * width, width);
      }
    }
    if (config.sharpenTime() > 0) {
      sharpen(s, width);
    }
    for (int c = 0; c < count; c++) {
      int row = outOff + c * numItems;
      for (int i = 0; i < numItems; i++) {
        out[row + i] = y[i * width + c];
      }
    }
  }

  /** Integrates {@code ds/dt = -s P̃} from y over [0, T_s] in K_s steps, in place. */
  private void sharpen(Scratch s, int width) {
    int len = train.numItems() * width;
    float h = (float) (config.sharpenTime() / config.sharpenSteps());
    float[] y = s.y;
    float[] f = s.derivative;
    for (int step = 0; step < config.sharpenSteps(); step++) {
      if (config.solver() == BspmConfig.Solver.EULER) {
        ratings.applyFilter(y, s.users, f, width);
        kernels.axpy(-h, f, 0, y, 0, len);
        continue;
      }
      // Classic RK4 with k_j = -P̃ x_j: acc = P̃(y) + 2 P̃(y - h/2 k1) + 2 P̃(y - h/2 k2) + P̃(y - h k3).
      float[] acc = s.accumulator;
      float[] stage = s.stage;
      ratings.applyFilter(y, s.users, f, width);
      System.arraycopy(f, 0, acc, 0, len);
      float[] stageSteps = {h / 2, h / 2, h};
      float[] accWeights = {2, 2, 1};
      for (int j = 0; j < 3; j++) {
        System.arraycopy(y, 0, stage, 0, len);
        kernels.axpy(-stageSteps[j], f, 0, stage, 0, len);
        ratings.applyFilter(stage, s.users, f, width);
        kernels.axpy(accWeights[j], f, 0, acc, 0, len);
      }
      kernels.axpy(-h / 6, acc, 0, y, 0, len);
    }
  }

  /** Keeps the scratch for the next caller unless a core's worth are already kept. */
  private void release(Scratch s) {
    if (pooled.incrementAndGet() <= POOLED) {
      pool.add(s);
    } else {
      pooled.decrementAndGet();
    }
  }

  private Scratch take() {
    Scratch s = pool.poll();
    if (s != null) {
      pooled.decrementAndGet();
    }
    return s != null ? s : new Scratch(train.numUsers(), train.numItems(), k);
  }

  /** Writes the eigenvalues and the singular vectors; the matrix is rebuilt from the training data. */
  @Override
  public void writePayload(DataOutput out) throws IOException {
    out.writeInt(k);
    BinaryIO.writeFloats(out, eigenvalues);
    BinaryIO.writeFloats(out, factors);
  }

  /** One caller's block buffers. */
  private static final class Scratch {
    final float[] y;
    final float[] derivative;
    final float[] accumulator;
    final float[] stage;
    final float[] users;
    final float[] coefficients;
    final int[] histPtr = new int[BLOCK + 1];
    int[] histItems = new int[1024];
    float[] histValues = new float[1024];
    float[] histScaled = new float[1024];

    Scratch(int numUsers, int numItems, int k) {
      y = new float[numItems * BLOCK];
      derivative = new float[numItems * BLOCK];
      accumulator = new float[numItems * BLOCK];
      stage = new float[numItems * BLOCK];
      users = new float[numUsers * BLOCK];
      coefficients = new float[Math.max(1, k) * BLOCK];
    }

    /** Appends one history entry at position n (growing the arrays); returns n + 1. */
    int add(int n, int item, float value) {
      if (n == histItems.length) {
        histItems = Arrays.copyOf(histItems, 2 * n);
        histValues = Arrays.copyOf(histValues, 2 * n);
        histScaled = Arrays.copyOf(histScaled, 2 * n);
      }
      histItems[n] = item;
      histValues[n] = value;
      return n + 1;
    }
  }
}
