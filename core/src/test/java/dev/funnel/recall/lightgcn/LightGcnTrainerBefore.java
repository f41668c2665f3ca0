package dev.funnel.recall.lightgcn;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.train.loss.Logistic;
import java.util.Arrays;

/**
 * Test scope: {@link LightGcnTrainer} as it was before the fused Horner backward and the aligned
 * tables (commit f935392), kept as the reference the new trainer must match up to float rounding.
 * Its sparse first hop is replaced by a full product (the same sums: inactive rows are zero).
 *
 * <p>Original description: the numerical state of one LightGCN training run and its exact batch step: forward propagation,
 * BPR loss with the reference's L2 on ego embeddings, back-propagation through the layers, and a
 * dense Adam step, as PyTorch's autograd and {@code torch.optim.Adam} do it for the reference code.
 *
 * <p>With {@code E⁰} the ego table (users then items, {@code dim} floats per node) and
 * {@code P = (1/(K+1)) Σ_{k=0..K} Â^k}, the final embeddings are {@code E = P E⁰}. For a batch of B
 * triples (u, i, j):
 *
 * <pre>
 *   loss = (1/B) Σ softplus(e_u·e_j − e_u·e_i) + l2 · ½ Σ (|e⁰_u|² + |e⁰_i|² + |e⁰_j|²) / B
 *   ∂loss/∂E⁰ = P G + (l2/B) · c ⊙ E⁰     (G = ∂loss/∂E, non-zero on the batch's rows only;
 *                                          c = how often a node occurs in the batch)
 * </pre>
 *
 * using Â = Âᵀ. Cost per batch: the forward needs {@code Â^k E⁰} in full for k &lt; K (K−1
 * sparse-dense products) but layer K only on the batch's rows; the backward's {@code Â^k G} start
 * sparse (the first hop gathers only from the batch's rows) and fill up within two or three hops.
 * Every product pulls rows, so it is row-parallel without write conflicts.
 *
 * <p>Not thread-safe: one batch at a time, each parallel inside over the {@link RowPool}.
 */
final class LightGcnTrainerBefore {
  private static final int ROW_CHUNK = 512;
  private static final int FLAT_CHUNK = 1 << 15;
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final NormalizedGraph graph;
  private final int dim;
  private final int layers;
  private final int numNodes;
  private final float l2;
  private final float learningRate;
  private final RowPool pool;
  private final VectorKernels k;

  /** Layer-0 embeddings: the trained parameters. */
  final float[] ego;
  /** Forward layers Â^k E⁰ for k in [1, K); reused in the backward pass for Â^k G. */
  private final float[][] hidden;
  private final boolean[][] hiddenActive;
  /** ∂loss/∂E on the batch's rows (zero elsewhere) and which rows those are. */
  private final float[] seed;
  private final boolean[] seedActive;
  /** ∂loss/∂E⁰, dense. */
  private final float[] grad;
  private final float[] adamM;
  private final float[] adamV;
  private long step;

  /** Per node: its slot among the batch's distinct nodes, valid when stamp[node] == batchStamp. */
  private final int[] slotOf;
  private final int[] stamp;
  private int batchStamp;
  private int[] nodes = new int[0];
  private int[] counts = new int[0];
  private float[] finals = new float[0];
  private float[] finalGrads = new float[0];
  private final float[][] scratch;
  /** Neighbours of the batch's nodes: the only rows of the last full layer that layer K reads. */
  private final int[] neighbourMark;
  private final int[] neighbours;
  /** Whether {@link #grad} is all zero (Adam clears it as it reads it). */
  private boolean gradClean = true;

  /** Time per phase (see {@link #PHASES}) by {@link #clock}, and rows gathered per backward hop. */
  static final String[] PHASES = {"forward-layers", "forward-batch", "loss", "backward-seed", "backward-hops", "adam"};
  final long[] phaseNanos = new long[PHASES.length];
  final long[] activeRows;
  java.util.function.LongSupplier clock = System::nanoTime;

  LightGcnTrainerBefore(NormalizedGraph graph, int dim, int layers, double l2, double learningRate, float[] ego, RowPool pool,
      VectorKernels k) {
    this.graph = graph;
    this.dim = dim;
    this.layers = layers;
    this.numNodes = graph.numNodes();
    this.l2 = (float) l2;
    this.learningRate = (float) learningRate;
    this.pool = pool;
    this.k = k;
    this.ego = ego;
    int size = ego.length;
    hidden = new float[Math.max(0, layers - 1)][];
    hiddenActive = new boolean[Math.max(0, layers - 1)][];
    for (int h = 0; h < hidden.length; h++) {
      hidden[h] = new float[size];
      hiddenActive[h] = new boolean[numNodes];
    }
    seed = new float[size];
    seedActive = new boolean[numNodes];
    grad = new float[size];
    adamM = new float[size];
    adamV = new float[size];
    slotOf = new int[numNodes];
    neighbourMark = new int[numNodes];
    neighbours = new int[numNodes];
    stamp = new int[numNodes];
    scratch = new float[pool.threads()][dim];
    activeRows = new long[layers + 1];
  }

  /**
   * One Adam step on the batch {@code (users[n], positives[n], negatives[n])} for n in [from, to)
   * (item ids, not node ids). Returns the batch loss (mean BPR plus L2 term, as the reference's
   * {@code loss + reg_loss}).
   */
  double step(int[] users, int[] positives, int[] negatives, int from, int to) {
    double loss = lossAndGradient(users, positives, negatives, from, to);
    adam();
    return loss;
  }

  /** The batch loss; leaves ∂loss/∂E⁰ in {@link #gradient()}. Changes no parameter. */
  double lossAndGradient(int[] users, int[] positives, int[] negatives, int from, int to) {
    int batch = to - from;
    long t0 = clock.getAsLong();
    collectNodes(users, positives, negatives, from, to);
    int distinct = distinctCount;
    forward(distinct);
    long t2 = clock.getAsLong();

    // BPR on the final embeddings, mean over the batch; gradients into finalGrads (compact rows).
    Arrays.fill(finalGrads, 0, distinct * dim, 0f);
    int numUsers = graph.numUsers();
    double bpr = 0;
    double reg = 0;
    float inv = 1f / batch;
    for (int n = from; n < to; n++) {
      int su = slotOf[users[n]] * dim;
      int si = slotOf[numUsers + positives[n]] * dim;
      int sj = slotOf[numUsers + negatives[n]] * dim;
      double x = (double) k.dot(finals, su, finals, sj, dim) - k.dot(finals, su, finals, si, dim);
      bpr += Logistic.softplus(x);
      float g = (float) Logistic.sigmoid(x) * inv; // d softplus(x)/dx / B
      // x = e_u·e_j − e_u·e_i
      k.axpy(g, finals, sj, finalGrads, su, dim);
      k.axpy(-g, finals, si, finalGrads, su, dim);
      k.axpy(-g, finals, su, finalGrads, si, dim);
      k.axpy(g, finals, su, finalGrads, sj, dim);
      reg += k.sumOfSquares(ego, users[n] * dim, dim) + k.sumOfSquares(ego, (numUsers + positives[n]) * dim, dim)
          + k.sumOfSquares(ego, (numUsers + negatives[n]) * dim, dim);
    }
    long t3 = clock.getAsLong();
    phaseNanos[2] += t3 - t2;
    backward(distinct, batch);
    return bpr / batch + l2 * 0.5 * reg / batch;
  }

  /** ∂loss/∂E⁰ of the last {@link #lossAndGradient} call. */
  float[] gradient() {
    return grad;
  }

  private int distinctCount;

  private void collectNodes(int[] users, int[] positives, int[] negatives, int from, int to) {
    batchStamp++;
    if (batchStamp == 0) { // wrapped: clear
      Arrays.fill(stamp, 0);
      Arrays.fill(neighbourMark, 0);
      batchStamp = 1;
    }
    int cap = 3 * (to - from);
    if (nodes.length < cap) {
      nodes = new int[cap];
      counts = new int[cap];
      finals = new float[cap * dim];
      finalGrads = new float[cap * dim];
    }
    distinctCount = 0;
    int numUsers = graph.numUsers();
    for (int n = from; n < to; n++) {
      addNode(users[n]);
      addNode(numUsers + positives[n]);
      addNode(numUsers + negatives[n]);
    }
  }

  private void addNode(int node) {
    if (stamp[node] != batchStamp) {
      stamp[node] = batchStamp;
      slotOf[node] = distinctCount;
      nodes[distinctCount] = node;
      counts[distinctCount] = 0;
      distinctCount++;
    }
    counts[slotOf[node]]++;
  }

  /** Fills {@code finals} with E = P E⁰ on the batch's distinct nodes. */
  private void forward(int distinct) {
    long t0 = clock.getAsLong();
    for (int h = 0; h < hidden.length; h++) {
      float[] src = h == 0 ? ego : hidden[h - 1];
      float[] dst = hidden[h];
      if (h < hidden.length - 1) {
        pool.forRange(numNodes, ROW_CHUNK, (w, a, b) -> graph.multiplyRows(src, dst, dim, a, b, k));
      } else {
        // Layer K is needed on the batch's nodes only, so layer K-1 only on their neighbours (~3/4
        // of the nodes on gowalla); its other rows keep stale values that nothing reads.
        int count = graph.collectNeighbours(nodes, distinct, neighbourMark, batchStamp, neighbours);
        // The layer mean also reads layer K-1 on the batch's own rows: a negative item that no user
        // of the batch holds is not among the neighbours (before this, such rows were stale).
        for (int s = 0; s < distinct; s++) {
          int node = nodes[s];
          if (neighbourMark[node] != batchStamp) {
            neighbourMark[node] = batchStamp;
            neighbours[count++] = node;
          }
        }
        int rows = count;
        pool.forRange(rows, ROW_CHUNK, (w, a, b) -> {
          for (int x = a; x < b; x++) {
            int r = neighbours[x];
            graph.multiplyRow(src, dst, r * dim, r, dim, k);
          }
        });
      }
    }
    long t1 = clock.getAsLong();
    phaseNanos[0] += t1 - t0;
    float scale = 1f / (layers + 1);
    float[] last = hidden.length == 0 ? ego : hidden[hidden.length - 1];
    pool.forRange(distinct, 64, (w, a, b) -> {
      for (int s = a; s < b; s++) {
        int node = nodes[s];
        int off = s * dim;
        if (layers > 0) {
          graph.multiplyRow(last, finals, off, node, dim, k);
        } else {
          Arrays.fill(finals, off, off + dim, 0f);
        }
        k.axpy(1f, ego, node * dim, finals, off, dim);
        for (float[] h : hidden) {
          k.axpy(1f, h, node * dim, finals, off, dim);
        }
        k.scale(scale, finals, off, dim);
      }
    });
    phaseNanos[1] += clock.getAsLong() - t1;
  }

  /** grad = P G + (l2/B) c ⊙ E⁰, with G = finalGrads on the batch's nodes. */
  private void backward(int distinct, int batch) {
    long t0 = clock.getAsLong();
    float scale = 1f / (layers + 1);
    for (int s = 0; s < distinct; s++) {
      int node = nodes[s];
      System.arraycopy(finalGrads, s * dim, seed, node * dim, dim);
      k.scale(scale, seed, node * dim, dim);
      seedActive[node] = true;
    }
    if (!gradClean) {
      pool.forRange(grad.length, FLAT_CHUNK, (w, a, b) -> Arrays.fill(grad, a, b, 0f));
    }
    gradClean = false;
    for (int s = 0; s < distinct; s++) {
      int off = nodes[s] * dim;
      k.axpy(1f, seed, off, grad, off, dim);
      k.axpy(l2 * counts[s] / batch, ego, off, grad, off, dim);
    }
    long t1 = clock.getAsLong();
    phaseNanos[3] += t1 - t0;
    activeRows[0] += distinct;
    for (int hop = 1; hop <= layers; hop++) {
      float[] src = hop == 1 ? seed : hidden[hop - 2];
      boolean[] srcActive = hop == 1 ? seedActive : hiddenActive[hop - 2];
      float[] dst = hop < layers ? hidden[hop - 1] : null;
      boolean[] dstActive = hop == 1 && hop < layers ? hiddenActive[hop - 1] : null;
      if (hop == 1) {
        // Sources are the batch's rows only: gather just those (a byte test per edge).
        pool.forRange(numNodes, ROW_CHUNK, (w, a, b) -> {
          multiplyRowsInto(src, dst, grad, scratch[w], a, b);
          if (dstActive != null) {
            for (int r = a; r < b; r++) {
              dstActive[r] = true;
            }
          }
        });
      } else {
        // Sources cover most rows by now (inactive ones are zero): a branch-free gather is faster
        // than testing each neighbour, whose mispredictions stall the memory-bound loop.
        pool.forRange(numNodes, ROW_CHUNK, (w, a, b) -> multiplyRowsInto(src, dst, grad, scratch[w], a, b));
      }
      if (dstActive != null) {
        int c = 0;
        for (boolean x : dstActive) {
          c += x ? 1 : 0;
        }
        activeRows[hop] += c;
      }
    }
    phaseNanos[4] += clock.getAsLong() - t1;
    for (int s = 0; s < distinct; s++) {
      int node = nodes[s];
      Arrays.fill(seed, node * dim, node * dim + dim, 0f);
      seedActive[node] = false;
    }
  }

  /** Dense Adam (Kingma &amp; Ba 2015) with PyTorch's bias correction, over every parameter. */
  private void adam() {
    long t0 = clock.getAsLong();
    step++;
    double bc1 = 1 - Math.pow(BETA1, step);
    double bc2 = 1 - Math.pow(BETA2, step);
    float stepSize = (float) (learningRate / bc1);
    float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
    float b1 = (float) BETA1;
    float b2 = (float) BETA2;
    float eps = (float) EPSILON;
    float[] w = ego;
    float[] m = adamM;
    float[] v = adamV;
    float[] g = grad;
    pool.forRange(w.length, FLAT_CHUNK, (worker, a, b) -> {
      for (int x = a; x < b; x++) {
        float gx = g[x];
        g[x] = 0f; // ready for the next batch's gradient
        float mx = b1 * m[x] + (1 - b1) * gx;
        float vx = b2 * v[x] + (1 - b2) * gx * gx;
        m[x] = mx;
        v[x] = vx;
        w[x] -= stepSize * mx / ((float) Math.sqrt(vx) * invSqrtBc2 + eps);
      }
    });
    gradClean = true;
    phaseNanos[5] += clock.getAsLong() - t0;
  }

  /** The final embeddings E = P E⁰ of every node, in a new array. */
  float[] readout() {
    float[] out = ego.clone();
    float[] a = new float[ego.length];
    float[] b = layers > 1 ? new float[ego.length] : null;
    float[] src = ego;
    for (int layer = 1; layer <= layers; layer++) {
      float[] dst = (layer % 2 == 1) ? a : b;
      float[] from = src;
      pool.forRange(numNodes, ROW_CHUNK, (w, x, y) -> graph.multiplyRows(from, dst, dim, x, y, k));
      pool.forRange(out.length, FLAT_CHUNK, (w, x, y) -> {
        for (int p = x; p < y; p++) {
          out[p] += dst[p];
        }
      });
      src = dst;
    }
    float scale = 1f / (layers + 1);
    pool.forRange(out.length, FLAT_CHUNK, (w, x, y) -> k.scale(scale, out, x, y - x));
    return out;
  }

  private void multiplyRowsInto(float[] x, float[] out, float[] sum, float[] scratch, int from, int to) {
    for (int r = from; r < to; r++) {
      int off = r * dim;
      if (out != null) {
        graph.multiplyRow(x, out, off, r, dim, k);
        k.axpy(1f, out, off, sum, off, dim);
      } else {
        graph.multiplyRow(x, scratch, 0, r, dim, k);
        k.axpy(1f, scratch, 0, sum, off, dim);
      }
    }
  }
}
