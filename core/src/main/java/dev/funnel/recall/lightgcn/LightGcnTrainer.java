package dev.funnel.recall.lightgcn;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.train.loss.Logistic;
import java.util.Arrays;

/**
 * The numerical state of one LightGCN training run and its exact batch step: forward propagation,
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
 * using Â = Âᵀ. Cost per batch: the forward needs {@code Â^k E⁰} in full for k &lt; K−1, layer K−1
 * only on the batch's rows and their neighbours (walked in node order) and layer K only on the
 * batch's rows. The backward evaluates {@code Σ_k Â^k S} (S = G/(K+1)) in Horner form,
 * {@code t₀ = S, t_j = S + Â t_{j−1}}, so each hop writes one table and nothing is summed on the side;
 * the first hop gathers over the batch's edges only, grouped by destination (sources in increasing
 * order: the same sums as a full pull), and the last one feeds each row of {@code ∂loss/∂E⁰} straight into its Adam update (the
 * SIMD {@link VectorKernels#adamStep}), so the dense gradient is never stored in {@link #step}. The
 * other products pull rows, so they are row-parallel without write conflicts; the loss and its
 * gradient run in parallel too, per triple and then per node in triple order. Every sum is taken in
 * the same order whatever the thread count, so training is reproducible bit for bit.
 *
 * <p>The tables the products gather from ({@code E⁰} as {@link LightGcn} lays it out, {@code Â^k E⁰},
 * the t_j, S) start at {@link #PAD} (or {@link #EGO_OFFSET}): under G1 (large arrays on region
 * starts, 16-byte header) each 64-float row then covers 4 cache lines instead of 5, which the
 * memory-bound gathers measure as ~1.4x (docs/benchmarks.md).
 *
 * <p>Not thread-safe: one batch at a time, each parallel inside over the {@link RowPool}.
 */
final class LightGcnTrainer {
  private static final int ROW_CHUNK = 512;
  /** Edges per chunk of a full product (see {@link #chunkStart}). */
  private static final int EDGE_CHUNK = 8192;
  private static final int FLAT_CHUNK = 1 << 15;
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;
  /**
   * Floats before row 0 of a gathered table. Under G1, 12: its large (humongous) arrays start on a
   * region boundary and HotSpot's array header is 16 bytes, so rows then start on 64-byte lines.
   * Other collectors place (and move) arrays at any 8-byte boundary, so no offset helps reliably: 0.
   * Overridable with {@code -Dfunnel.lightgcn.rowPad=N}.
   */
  static final int PAD = Integer.getInteger("funnel.lightgcn.rowPad", defaultPad());
  /**
   * Floats before row 0 of the parameter table {@link LightGcn} allocates: 12 whatever the collector,
   * so a checkpoint's layout does not depend on it (G1's {@link #PAD}; under other collectors
   * alignment is a matter of allocation either way).
   */
  static final int EGO_OFFSET = 12;

  private static int defaultPad() {
    for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc.getName().startsWith("G1")) {
        return 12;
      }
    }
    return 0;
  }

  private final NormalizedGraph graph;
  /**
   * Chunk c of a full product covers rows {@code [chunkStart[c], chunkStart[c+1])}: about
   * {@link #EDGE_CHUNK} edges and at most {@link #ROW_CHUNK} rows, so chunks cost about the same and
   * the threads finish a product together (chunks of a fixed row count vary with the degrees).
   */
  private final int[] chunkStart;
  private final int dim;
  private final int layers;
  private final int numNodes;
  private final float l2;
  private float learningRate;
  private final RowPool pool;
  private final VectorKernels k;

  /** Layer-0 embeddings: the trained parameters. Call {@link #parametersChanged} after writing them from outside. */
  final float[] ego;
  /**
   * Where row 0 of {@link #ego} starts: {@link #EGO_OFFSET} when the caller allocated it so (then its
   * rows are aligned like the other tables under G1 and the first layer gathers straight from it).
   */
  final int egoOff;
  /** Forward layers Â^k E⁰ for k in [1, K) (rows from {@link #PAD}); reused in the backward pass for t_k. */
  private final float[][] hidden;
  /** The batch's rows in increasing order (layer K and the first backward hop walk them so). */
  private int[] sorted = new int[0];
  /**
   * The batch's edges grouped by destination for the first backward hop: row n receives from
   * {@code inSource/inWeight[inStart[n] .. inCursor[n])}.
   */
  private final int[] inStart;
  private final int[] inCursor;
  private int[] inSource = new int[0];
  private float[] inWeight = new float[0];
  /** S = ∂loss/∂E / (K+1) on the batch's rows (zero elsewhere; rows from {@link #PAD}) and which rows those are. */
  private final float[] seed;
  private final boolean[] seedActive;
  /** ∂loss/∂E⁰, dense, made by {@link #lossAndGradient} only ({@link #step} fuses it into Adam). */
  private float[] grad;
  /** Adam's first moments at [0, size), second moments at [size, 2 size). */
  private final float[] adamMoments;
  private long step;

  /** Per node: its slot among the batch's distinct nodes, valid when stamp[node] == batchStamp. */
  private final int[] slotOf;
  private final int[] stamp;
  private int batchStamp;
  private int[] nodes = new int[0];
  private int[] counts = new int[0];
  private float[] finals = new float[0];
  private float[] finalGrads = new float[0];
  /** Per triple of the batch: d loss/d x, softplus(x), the L2 sum of squares (see lossAndBackward). */
  private float[] tripleGrad = new float[0];
  private double[] tripleBpr = new double[0];
  private float[] tripleReg = new float[0];
  /** Per distinct node s: the triples that use it, {@code uses[useStart[s] .. useStart[s+1])}. */
  private int[] uses = new int[0];
  private int[] useStart = new int[1];
  private int[] useFill = new int[0];
  private final float[][] scratch;
  /** Per thread: a chunk's rows of the gradient in the last backward hop. */
  private final float[][] blocks;
  /** Adam's bias corrections 1/(1 − β₁^t), 1/(1 − β₂^t) for the step in progress (see {@link #beginAdam}). */
  private float biasCorrection1;
  private float biasCorrection2;

  /**
   * Time per phase (see {@link #PHASES}) by {@link #clock}, and rows gathered per backward hop. Adam
   * runs inside the last backward hop, so "backward-hops" includes it and "adam" stays 0.
   */
  static final String[] PHASES = {"forward-full", "forward-collect", "forward-partial", "forward-batch", "loss",
      "backward-seed", "backward-hop1", "backward-middle", "backward-last+adam", "batch-nodes", "sort"};
  final long[] phaseNanos = new long[PHASES.length];
  final long[] activeRows;
  java.util.function.LongSupplier clock = System::nanoTime;

  LightGcnTrainer(NormalizedGraph graph, int dim, int layers, double l2, double learningRate, float[] ego, RowPool pool,
      VectorKernels k) {
    this(graph, dim, layers, l2, learningRate, ego, 0, pool, k);
  }

  /** The trainer of the parameters {@code ego[egoOff ..]} (node v's row at {@code egoOff + v*dim}). */
  LightGcnTrainer(NormalizedGraph graph, int dim, int layers, double l2, double learningRate, float[] ego, int egoOff,
      RowPool pool, VectorKernels k) {
    this.graph = graph;
    this.dim = dim;
    this.layers = layers;
    this.numNodes = graph.numNodes();
    this.l2 = (float) l2;
    this.learningRate = (float) learningRate;
    this.pool = pool;
    this.k = k;
    this.ego = ego;
    this.egoOff = egoOff;
    int size = ego.length - egoOff;
    hidden = new float[Math.max(0, layers - 1)][];
    for (int h = 0; h < hidden.length; h++) {
      hidden[h] = new float[PAD + size];
    }
    seed = new float[PAD + size];
    seedActive = new boolean[numNodes];
    adamMoments = new float[2 * size];
    slotOf = new int[numNodes];
    inStart = new int[numNodes];
    inCursor = new int[numNodes];
    stamp = new int[numNodes];
    scratch = new float[pool.threads()][dim];
    blocks = new float[pool.threads()][ROW_CHUNK * dim];
    activeRows = new long[layers + 1];
    chunkStart = edgeBalancedChunks(graph);
  }

  /**
   * One Adam step on the batch {@code (users[n], positives[n], negatives[n])} for n in [from, to)
   * (item ids, not node ids). Returns the batch loss (mean BPR plus L2 term, as the reference's
   * {@code loss + reg_loss}).
   */
  double step(int[] users, int[] positives, int[] negatives, int from, int to) {
    beginAdam();
    return lossAndBackward(users, positives, negatives, from, to, true);
  }

  /** The batch loss; leaves ∂loss/∂E⁰ in {@link #gradient()}. Changes no parameter. */
  double lossAndGradient(int[] users, int[] positives, int[] negatives, int from, int to) {
    if (grad == null) {
      grad = new float[ego.length - egoOff];
    }
    return lossAndBackward(users, positives, negatives, from, to, false);
  }

  private double lossAndBackward(int[] users, int[] positives, int[] negatives, int from, int to, boolean update) {
    int batch = to - from;
    long t0 = clock.getAsLong();
    collectNodes(users, positives, negatives, from, to);
    int distinct = distinctCount;
    phaseNanos[9] += clock.getAsLong() - t0;
    forward(distinct);
    long t2 = clock.getAsLong();

    // BPR on the final embeddings, mean over the batch; gradients into finalGrads (compact rows).
    // In parallel but in the sequential loop's order, bit for bit: per triple (threads over triples)
    // the scores, sigmoid and L2 terms; then per node (threads over nodes) its gradient terms, added
    // in triple order; the loss sums in triple order on this thread.
    if (tripleGrad.length < batch) {
      tripleGrad = new float[batch];
      tripleBpr = new double[batch];
      tripleReg = new float[batch];
      uses = new int[3 * batch];
    }
    int numUsers = graph.numUsers();
    float inv = 1f / batch;
    pool.forRange(batch, 256, (w, a, b) -> {
      for (int t = a; t < b; t++) {
        int n = from + t;
        int su = slotOf[users[n]] * dim;
        int si = slotOf[numUsers + positives[n]] * dim;
        int sj = slotOf[numUsers + negatives[n]] * dim;
        // x = e_u·e_j − e_u·e_i
        double x = (double) k.dot(finals, su, finals, sj, dim) - k.dot(finals, su, finals, si, dim);
        tripleBpr[t] = Logistic.softplus(x);
        tripleGrad[t] = (float) Logistic.sigmoid(x) * inv; // d softplus(x)/dx / B
        tripleReg[t] = k.sumOfSquares(ego, egoOff + users[n] * dim, dim)
            + k.sumOfSquares(ego, egoOff + (numUsers + positives[n]) * dim, dim)
            + k.sumOfSquares(ego, egoOff + (numUsers + negatives[n]) * dim, dim);
      }
    });
    // Which triples use each node, in triple order (counting sort; use = 3 t + role, role 0/1/2 = u/i/j).
    Arrays.fill(useStart, 0, distinct + 1, 0);
    for (int n = from; n < to; n++) {
      useStart[slotOf[users[n]] + 1]++;
      useStart[slotOf[numUsers + positives[n]] + 1]++;
      useStart[slotOf[numUsers + negatives[n]] + 1]++;
    }
    for (int s = 0; s < distinct; s++) {
      useStart[s + 1] += useStart[s];
      useFill[s] = useStart[s];
    }
    for (int n = from; n < to; n++) {
      int t = 3 * (n - from);
      uses[useFill[slotOf[users[n]]]++] = t;
      uses[useFill[slotOf[numUsers + positives[n]]]++] = t + 1;
      uses[useFill[slotOf[numUsers + negatives[n]]]++] = t + 2;
    }
    pool.forRange(distinct, 64, (w, a, b) -> {
      Arrays.fill(finalGrads, a * dim, b * dim, 0f);
      for (int s = a; s < b; s++) {
        int gs = s * dim;
        for (int e = useStart[s], end = useStart[s + 1]; e < end; e++) {
          int t = uses[e] / 3;
          int n = from + t;
          float g = tripleGrad[t];
          switch (uses[e] % 3) {
            case 0 -> {
              k.axpy(g, finals, slotOf[numUsers + negatives[n]] * dim, finalGrads, gs, dim);
              k.axpy(-g, finals, slotOf[numUsers + positives[n]] * dim, finalGrads, gs, dim);
            }
            case 1 -> k.axpy(-g, finals, slotOf[users[n]] * dim, finalGrads, gs, dim);
            default -> k.axpy(g, finals, slotOf[users[n]] * dim, finalGrads, gs, dim);
          }
        }
      }
    });
    double bpr = 0;
    double reg = 0;
    for (int t = 0; t < batch; t++) {
      bpr += tripleBpr[t];
      reg += tripleReg[t];
    }
    long t3 = clock.getAsLong();
    phaseNanos[4] += t3 - t2;
    backward(distinct, batch, update);
    return bpr / batch + l2 * 0.5 * reg / batch;
  }

  /** The Adam step size from the next step on (the config's schedule, set once per epoch). */
  void learningRate(double rate) {
    learningRate = (float) rate;
  }

  /** Tells the trainer that {@link #ego} was written from outside (a restored checkpoint, a test). */
  void parametersChanged() {
    // Nothing cached: every pass reads ego itself.
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
      batchStamp = 1;
    }
    int cap = 3 * (to - from);
    if (nodes.length < cap) {
      nodes = new int[cap];
      counts = new int[cap];
      finals = new float[cap * dim];
      finalGrads = new float[cap * dim];
      useStart = new int[cap + 1];
      useFill = new int[cap];
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
    sortedNodes(distinct);
    phaseNanos[10] += clock.getAsLong() - t0;
    for (int h = 0; h < hidden.length; h++) {
      float[] src = h == 0 ? ego : hidden[h - 1];
      int srcOff = h == 0 ? egoOff : PAD;
      float[] dst = hidden[h];
      long tl = clock.getAsLong();
      if (h < hidden.length - 1) {
        forRows((w, a, b) -> graph.multiplyRows(src, srcOff, dst, PAD, dim, a, b, k));
        phaseNanos[0] += clock.getAsLong() - tl;
      } else {
        // Layer K is needed on the batch's nodes only, so layer K-1 only on their neighbours (~3/4
        // of the nodes on gowalla); its other rows keep stale values that nothing reads.
        // The layer mean also reads layer K-1 on the batch's own rows: a negative item that no user
        // of the batch holds is not among the neighbours (before this, such rows were stale).
        // The neighbours are the rows that receive one of the batch's edges, which the first backward
        // hop groups by destination anyway: grouped here, they mark the neighbourhood too.
        groupBatchEdges(distinct);
        long tc = clock.getAsLong();
        phaseNanos[1] += tc - tl;
        // Rows in node order, not in the order they were found: the gathers of consecutive rows then
        // share neighbours (cache reuse) and the CSR and output are read and written in sequence.
        // In discovery order this partial layer cost twice a full one (docs/benchmarks.md).
        int mark = batchStamp;
        forRows((w, a, b) -> {
          for (int r = a; r < b; r++) {
            if (inCursor[r] != inStart[r] || stamp[r] == mark) {
              graph.multiplyRow(src, srcOff, dst, PAD + r * dim, r, dim, k);
            }
          }
        });
        phaseNanos[2] += clock.getAsLong() - tc;
      }
    }
    long t1 = clock.getAsLong();
    float scale = 1f / (layers + 1);
    float[] last = hidden.length == 0 ? ego : hidden[hidden.length - 1];
    int lastOff = hidden.length == 0 ? egoOff : PAD;
    // The batch's rows in node order (finals still by slot): consecutive rows then share neighbours.
    int[] inOrder = sorted;
    pool.forRange(distinct, 64, (w, a, b) -> {
      for (int x = a; x < b; x++) {
        int node = inOrder[x];
        int off = slotOf[node] * dim;
        if (layers > 0) {
          graph.multiplyRow(last, lastOff, finals, off, node, dim, k);
        } else {
          Arrays.fill(finals, off, off + dim, 0f);
        }
        k.axpy(1f, ego, egoOff + node * dim, finals, off, dim);
        for (float[] h : hidden) {
          k.axpy(1f, h, PAD + node * dim, finals, off, dim);
        }
        k.scale(scale, finals, off, dim);
      }
    });
    phaseNanos[3] += clock.getAsLong() - t1;
  }

  /**
   * ∂loss/∂E⁰ = P G + (l2/B) c ⊙ E⁰ with G = finalGrads on the batch's nodes, by Horner's rule
   * {@code t₀ = S, t_j = S + Â t_{j−1}} (S = G/(K+1)), so {@code t_K = Σ_{k≤K} Â^k S = P G}. The last
   * hop's rows go, with the L2 term, into {@link #grad} or (when {@code update}) straight into Adam.
   */
  private void backward(int distinct, int batch, boolean update) {
    long t0 = clock.getAsLong();
    float scale = 1f / (layers + 1);
    pool.forRange(distinct, 256, (w, a, b) -> {
      for (int s = a; s < b; s++) {
        int node = nodes[s];
        System.arraycopy(finalGrads, s * dim, seed, PAD + node * dim, dim);
        k.scale(scale, seed, PAD + node * dim, dim);
        seedActive[node] = true;
      }
    });
    long t1 = clock.getAsLong();
    phaseNanos[5] += t1 - t0;
    activeRows[0] += distinct;
    float l2PerCount = l2 / batch;
    for (int hop = 1; hop <= layers; hop++) {
      long th = clock.getAsLong();
      boolean lastHop = hop == layers;
      float[] src = hop == 1 ? seed : hidden[hop - 2];
      float[] dst = lastHop ? null : hidden[hop - 1];
      if (hop == 1 && !lastHop) {
        // t₁ = S + Â S with S non-zero on the batch's rows only: every row gathered in node order
        // from the batch's edges grouped by destination (groupBatchEdges, in the forward). Sources in
        // increasing order: the same sums as the full pull, bit for bit, but over ~12% of the edges,
        // reading only the batch's rows (a few MB) and writing t₁ once, in sequence.
        pool.forRange(numNodes, ROW_CHUNK, (w, a, b) -> {
          for (int r = a; r < b; r++) {
            int off = PAD + r * dim;
            k.gatherRows(inSource, inWeight, inStart[r], inCursor[r], seed, PAD, dim, dst, off);
            if (seedActive[r]) {
              k.axpy(1f, seed, PAD + r * dim, dst, off, dim);
            }
          }
        });
      } else if (hop == 1) {
        // K = 1: t₀ = S is non-zero on the batch's rows only: gather just those (a byte test per edge).
        pool.forRange(numNodes, ROW_CHUNK, (w, a, b) -> {
          float[] row = scratch[w];
          for (int r = a; r < b; r++) {
            graph.multiplySparseRow(seed, PAD, seedActive, row, 0, r, dim, k);
            finishRow(r, row, l2PerCount, update);
          }
        });
      } else {
        // t₁ covers most rows (inactive ones are zero): a branch-free gather is faster than testing
        // each neighbour, whose mispredictions stall the memory-bound loop.
        forRows((w, a, b) -> {
          if (lastHop) {
            // A chunk's rows of ∂loss/∂E⁰ into the thread's block, then one Adam call over the chunk:
            // long streams over ego and the moments instead of a kernel call per row.
            float[] block = blocks[w];
            for (int r = a; r < b; r++) {
              int off = (r - a) * dim;
              graph.multiplyRow(src, PAD, block, off, r, dim, k);
              addBatchTerms(r, block, off, l2PerCount);
            }
            if (update) {
              adamRows(block, a, b);
            } else {
              System.arraycopy(block, 0, grad, a * dim, (b - a) * dim);
            }
            return;
          }
          for (int r = a; r < b; r++) {
            int off = PAD + r * dim;
            graph.multiplyRow(src, PAD, dst, off, r, dim, k);
            if (seedActive[r]) {
              k.axpy(1f, seed, PAD + r * dim, dst, off, dim);
            }
          }
        });
      }
      phaseNanos[lastHop ? 8 : hop == 1 ? 6 : 7] += clock.getAsLong() - th;
    }
    if (layers == 0) {
      pool.forRange(numNodes, ROW_CHUNK, (w, a, b) -> {
        float[] row = scratch[w];
        for (int r = a; r < b; r++) {
          Arrays.fill(row, 0f);
          finishRow(r, row, l2PerCount, update);
        }
      });
    }
    pool.forRange(distinct, 256, (w, a, b) -> {
      for (int s = a; s < b; s++) {
        int node = nodes[s];
        Arrays.fill(seed, PAD + node * dim, PAD + node * dim + dim, 0f);
        seedActive[node] = false;
      }
    });
  }

  /**
   * Groups the batch's edges by destination into {@link #inSource}: users receive from the batch's
   * items, items from its users; each side in two destination halves, one task each, with room for
   * all of the side's edges. Needs {@link #sorted}.
   */
  private void groupBatchEdges(int distinct) {
    int[] sources = sorted;
    int numUsers = graph.numUsers();
    int split = usersIn(sources, distinct);
    int intoUsers = graph.degreeSum(sources, split, distinct);
    int intoItems = graph.degreeSum(sources, 0, split);
    int room = 2 * (intoUsers + intoItems);
    if (inSource.length < room) {
      inSource = new int[room + room / 4];
      inWeight = new float[inSource.length];
    }
    int midUsers = numUsers / 2;
    int midItems = numUsers + (numNodes - numUsers) / 2;
    pool.forRange(4, 1, (w, a, b) -> {
      for (int task = a; task < b; task++) {
        switch (task) {
          case 0 -> graph.transposeRows(sources, split, distinct, 0, midUsers, inStart, inCursor, 0, inSource,
              inWeight);
          case 1 -> graph.transposeRows(sources, split, distinct, midUsers, numUsers, inStart, inCursor, intoUsers,
              inSource, inWeight);
          case 2 -> graph.transposeRows(sources, 0, split, numUsers, midItems, inStart, inCursor, 2 * intoUsers,
              inSource, inWeight);
          default -> graph.transposeRows(sources, 0, split, midItems, numNodes, inStart, inCursor,
              2 * intoUsers + intoItems, inSource, inWeight);
        }
      }
    });
  }

  /** Runs {@code body} over all rows in the chunks of {@link #chunkStart}. */
  private void forRows(RowPool.Body body) {
    pool.forRange(chunkStart.length - 1, 1, (w, a, b) -> {
      for (int c = a; c < b; c++) {
        body.run(w, chunkStart[c], chunkStart[c + 1]);
      }
    });
  }

  private static int[] edgeBalancedChunks(NormalizedGraph graph) {
    int n = graph.numNodes();
    int[] start = new int[n + 1];
    int chunks = 0;
    int r = 0;
    while (r < n) {
      int first = r;
      long edges = 0;
      do {
        edges += graph.degree(r);
        r++;
      } while (r < n && r - first < ROW_CHUNK && edges + graph.degree(r) <= EDGE_CHUNK);
      start[++chunks] = r;
    }
    return Arrays.copyOf(start, chunks + 1);
  }

  /** How many of the increasing {@code rows[0 .. count)} are users. */
  private int usersIn(int[] rows, int count) {
    int lo = 0;
    int hi = count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (rows[mid] < graph.numUsers()) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private int[] sortedNodes(int distinct) {
    if (sorted.length < distinct) {
      sorted = new int[nodes.length];
    }
    System.arraycopy(nodes, 0, sorted, 0, distinct);
    Arrays.sort(sorted, 0, distinct);
    return sorted;
  }

  /**
   * Row r of ∂loss/∂E⁰: {@code row} holds {@code (Â t_{K−1})[r]}; adds S[r] and the L2 term on the
   * batch's rows, then stores it in {@link #grad} or applies Adam to the row.
   */
  private void finishRow(int r, float[] row, float l2PerCount, boolean update) {
    addBatchTerms(r, row, 0, l2PerCount);
    if (update) {
      adamRows(row, r, r + 1);
    } else {
      System.arraycopy(row, 0, grad, r * dim, dim);
    }
  }

  /** On the batch's rows, adds S[r] and the L2 term to {@code (Â t_{K−1})[r]} at {@code row[off ..]}. */
  private void addBatchTerms(int r, float[] row, int off, float l2PerCount) {
    if (seedActive[r]) {
      k.axpy(1f, seed, PAD + r * dim, row, off, dim);
      k.axpy(l2PerCount * counts[slotOf[r]], ego, egoOff + r * dim, row, off, dim);
    }
  }

  /** Adam's bias corrections for a new step; {@link #adamRows} then updates rows. */
  private void beginAdam() {
    step++;
    biasCorrection1 = (float) (1 / (1 - Math.pow(BETA1, step)));
    biasCorrection2 = (float) (1 / (1 - Math.pow(BETA2, step)));
  }

  /**
   * Dense Adam (Kingma &amp; Ba 2015) on the rows [a, b) of the parameters, whose gradient rows are
   * {@code g[0 .. (b−a) dim)}: {@code w -= lr (m c1) / (sqrt(v c2) + eps)} with {@code c = 1/(1 − β^t)},
   * PyTorch's bias correction in the SIMD kernel's form (element-wise, so a call per chunk of rows
   * gives the same bits as a call per row).
   */
  private void adamRows(float[] g, int a, int b) {
    int off = a * dim;
    k.adamStep(1f, g, 0, 0f, ego, egoOff + off, adamMoments, off, adamMoments.length / 2 + off, (float) BETA1,
        (float) BETA2, learningRate, biasCorrection1, biasCorrection2, (float) EPSILON, (b - a) * dim);
  }

  /** The final embeddings E = P E⁰ of every node, in a new array. */
  float[] readout() {
    float[] out = Arrays.copyOfRange(ego, egoOff, ego.length);
    float[] a = new float[out.length];
    float[] b = layers > 1 ? new float[out.length] : null;
    float[] src = ego;
    int srcOff = egoOff;
    for (int layer = 1; layer <= layers; layer++) {
      float[] dst = (layer % 2 == 1) ? a : b;
      float[] from = src;
      int fromOff = srcOff;
      forRows((w, x, y) -> graph.multiplyRows(from, fromOff, dst, 0, dim, x, y, k));
      pool.forRange(out.length, FLAT_CHUNK, (w, x, y) -> {
        for (int p = x; p < y; p++) {
          out[p] += dst[p];
        }
      });
      src = dst;
      srcOff = 0;
    }
    float scale = 1f / (layers + 1);
    pool.forRange(out.length, FLAT_CHUNK, (w, x, y) -> k.scale(scale, out, x, y - x));
    return out;
  }
}
