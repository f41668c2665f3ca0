package dev.funnel.recall.simplex;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.FactorModel;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.optim.AdamOptimizer;
import dev.funnel.train.optim.CatchUpAdam;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.OptimizerKind;
import dev.funnel.train.optim.RowOptimizer;
import dev.funnel.train.runtime.Hogwild;
import dev.funnel.train.runtime.TrainingSchedule;
import dev.funnel.train.runtime.Validator;
import java.io.DataInput;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

/**
 * SimpleX (Mao, Zhu, Wang, Dai, Dong, Xiao &amp; He, "SimpleX: A Simple and Strong Baseline for
 * Collaborative Filtering", CIKM 2021): a user tower {@code t_u = g e_u + (1-g) V mean(q_i, i in H_u)}
 * ({@link BehaviorAggregator}), dropout on t_u, cosine similarity to the items, and the cosine
 * contrastive loss over many negatives per positive,
 *
 * <pre>
 *   loss(u, p, N) = (1 - cos(t_u, q_p)) + (w / |N|) * sum_{j in N} max(0, cos(t_u, q_j) - m)
 * </pre>
 *
 * averaged over the batch. With {@code gamma = 1} it is MF-CCL.
 *
 * <p>Speed on a CPU: one set of {@code negatives} items is drawn per batch and shared by all its
 * examples (the reference draws them per example), so the B x N cosines of a batch are one GEMM of
 * the normalised user vectors against the normalised negatives ({@link VectorKernels#gemm}). The
 * hinge is active for few pairs once training is under way (margin 0.9), so the backward pass visits
 * only active pairs. Item gradients of a batch are summed in a dense per-worker buffer and each
 * touched row gets one lazy optimizer step; batches run Hogwild-parallel over threads.
 */
public final class Simplex implements RecallAlgorithm<SimplexConfig> {
  public static final String NAME = "simplex";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "SimpleX (Mao et al. 2021): history-aggregating user tower, cosine contrastive loss, many shared negatives";
  }

  @Override
  public SimplexConfig defaultConfig() {
    return SimplexConfig.defaults();
  }

  @Override
  public RecallModel train(Interactions train, SimplexConfig config, TrainContext context) {
    return train(train, config, context, 0, null);
  }

  /**
   * Trains, scoring the model every {@code validateEvery} epochs with {@code validator} (higher is
   * better; the line goes to the context's progress). The weights of the best validation are kept, as
   * in {@link Hogwild}. With a null validator this is {@link #train(Interactions, SimplexConfig,
   * TrainContext)}.
   */
  public SimplexModel train(Interactions train, SimplexConfig config, TrainContext context, int validateEvery,
      ToDoubleFunction<SimplexModel> validator) {
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    int dim = config.dim();
    WorkerRandom init = new WorkerRandom(context.seed());
    EmbeddingTable users = new EmbeddingTable(numUsers, dim);
    EmbeddingTable items = new EmbeddingTable(numItems, dim);
    EmbeddingTable vTable = new EmbeddingTable(dim, dim);
    users.initNormal(config.initStd(), init);
    items.initNormal(config.initStd(), init);
    vTable.initNormal(Math.sqrt(2.0 / (dim + dim)), init); // Xavier normal, as the reference's nn.Linear init
    RowOptimizer userOpt = optimizer(config, users);
    RowOptimizer itemOpt = optimizer(config, items);
    RowOptimizer vOpt = optimizer(config, vTable);
    EmbeddingTable hTable = items;
    if (config.historyTable()) {
      hTable = new EmbeddingTable(numItems, dim);
      hTable.initNormal(config.initStd(), init);
    }
    RowOptimizer hOpt = config.historyTable() ? optimizer(config, hTable) : null;
    // the cross-attention tower's W_k (Xavier normal) and b (zeros), as the reference's nn.Linear init;
    // drawn after every other table so the mean tower's initialisation is unchanged
    boolean attention = config.aggregator() == SimplexAggregator.CROSS_ATTENTION;
    EmbeddingTable wkTable = attention ? new EmbeddingTable(dim, dim) : null;
    EmbeddingTable bTable = attention ? new EmbeddingTable(1, dim) : null;
    if (attention) {
      wkTable.initNormal(Math.sqrt(2.0 / (dim + dim)), init);
    }
    RowOptimizer wkOpt = attention ? optimizer(config, wkTable) : null;
    RowOptimizer bOpt = attention ? optimizer(config, bTable) : null;
    float[] wk = attention ? wkTable.data() : null;
    float[] bk = attention ? bTable.data() : null;

    int nnz = train.nnz();
    int[] userPtr = train.userPtr();
    int[] userItems = train.userItems();
    int[] rowUser = new int[nnz];
    for (int u = 0; u < numUsers; u++) {
      for (int p = userPtr[u]; p < userPtr[u + 1]; p++) {
        rowUser[p] = u;
      }
    }
    float[] e = users.data();
    float[] q = items.data();
    float[] v = vTable.data();
    float[] h = hTable.data();
    float gamma = (float) config.gamma();
    int maxBatch = config.batchSize();
    float clipNorm = (float) config.clipNorm();
    VectorKernels k = Kernels.get();
    int threads = config.threads() == 0 ? context.threads() : config.threads();
    TrainingSchedule schedule = new TrainingSchedule(config.epochs(), nnz, maxBatch, threads, context.seed(),
        Math.max(1, validateEvery), 0);
    Runnable flush = () -> {
      for (RowOptimizer o : new RowOptimizer[] {userOpt, itemOpt, vOpt, hOpt, wkOpt, bOpt}) {
        if (o instanceof CatchUpAdam dense) {
          dense.flush();
        }
      }
    };
    Validator check = validator == null ? null : epoch -> {
      flush.run();
      return validator.applyAsDouble(SimplexModel.fromTables(config, train, dim, e, q, h, v, wk, bk, gamma));
    };
    RowOptimizer[] all = java.util.Arrays.stream(new RowOptimizer[] {userOpt, itemOpt, vOpt, hOpt, wkOpt, bOpt})
        .filter(java.util.Objects::nonNull).toArray(RowOptimizer[]::new);
    AtomicBoolean decayed = new AtomicBoolean(config.lrDecayEpoch() == 0);
    float decayedRate = (float) (config.learningRate() * config.lrDecayFactor());
    Hogwild.train(schedule, (workerId, random) -> {
      SimplexBatch step = new SimplexBatch(k, config, numUsers, numItems, e, q, h, v, wk, bk, userPtr, userItems);
      EpochOrder order = config.shuffledEpochs() ? new EpochOrder(nnz, context.seed()) : null;
      return (epoch, batch, from, to) -> {
        if (epoch >= config.lrDecayEpoch() && !decayed.get() && decayed.compareAndSet(false, true)) {
          for (RowOptimizer o : all) {
            o.setLearningRate(decayedRate);
          }
          context.progress().finish("learning rate " + config.learningRate() + " -> " + decayedRate);
        }
        if (order != null) {
          step.sample(random, order.of(epoch), (int) from, (int) (to - from), rowUser, numItems);
        } else {
          step.sample(random, (int) (to - from), rowUser, numItems);
        }
        double loss = step.forwardBackward(random);
        if (clipNorm > 0) {
          step.clip(clipNorm);
        }
        tick(userOpt, itemOpt, vOpt, hOpt, wkOpt, bOpt);
        if (hOpt != null) {
          step.update(userOpt, itemOpt, vOpt, hOpt);
        } else {
          step.update(userOpt, itemOpt, vOpt);
        }
        if (attention) {
          step.updateAttention(wkOpt, bOpt);
        }
        return loss;
      };
    }, check, context.progress(), java.util.Arrays.stream(new float[][] {e, q, v, config.historyTable() ? h : null, wk, bk})
        .filter(java.util.Objects::nonNull).toArray(float[][]::new));
    flush.run();
    return SimplexModel.fromTables(config, train, dim, e, q, h, v, wk, bk, gamma);
  }

  private static RowOptimizer optimizer(SimplexConfig config, EmbeddingTable table) {
    if (config.denseAdam() && config.optimizer() == OptimizerKind.ADAM) {
      return new CatchUpAdam(table, config.optimizerConfig());
    }
    RowOptimizer o = config.optimizerConfig().create(table);
    if (o instanceof AdamOptimizer adam) {
      adam.kernelRows(true); // most of an epoch is Adam row steps: on the SIMD kernel
    }
    return o;
  }

  /**
   * One worker's copy of an epoch's visiting order: a permutation of the interactions drawn from (seed,
   * epoch), so every worker holds the same one and their disjoint batch ranges cover each interaction once.
   */
  static final class EpochOrder {
    private final int[] order;
    private final long seed;
    private int epoch = -1;

    EpochOrder(int n, long seed) {
      this.order = new int[n];
      this.seed = seed;
    }

    int[] of(int epoch) {
      if (epoch != this.epoch) {
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        WorkerRandom r = new WorkerRandom(seed * 1_000_003L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
          int j = r.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        this.epoch = epoch;
      }
      return order;
    }
  }

  /** One batch step of the dense-Adam clocks. */
  private static void tick(RowOptimizer... optimizers) {
    for (RowOptimizer o : optimizers) {
      if (o instanceof CatchUpAdam dense) {
        dense.tick();
      }
    }
  }

  @Override
  public RecallModel read(DataInput in, SimplexConfig config, Interactions train) throws IOException {
    FactorModel.Tables t = FactorModel.readTables(in, NAME, config.dim(), train);
    return new SimplexModel(config, train, t.dim(), t.userVectors(), t.itemVectors());
  }
}
