package dev.funnel.recall.mf;

import dev.funnel.data.Interactions;
import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.FactorModel;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.loss.BprLoss;
import dev.funnel.train.optim.CatchUpAdam;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.RowOptimizer;
import dev.funnel.train.runtime.Hogwild;
import dev.funnel.train.runtime.TrainingSchedule;
import dev.funnel.train.sample.NegativeSampler;
import dev.funnel.train.sample.UniformItemSampler;
import dev.funnel.train.runtime.TrainingState;
import dev.funnel.train.runtime.Validator;
import java.io.DataInput;
import java.io.IOException;
import java.util.function.ToDoubleFunction;

/**
 * Matrix factorisation trained with Bayesian personalised ranking (Rendle, Freudenthaler, Gantner
 * &amp; Schmidt-Thieme, UAI 2009): {@code s(u, i) = p_u · q_i (+ b_i)}, and per example
 *
 * <pre>
 *   loss = sum over sampled negatives j of softplus(-(s(u, i) - s(u, j)))
 *        + l2 · (|p_u|² + |q_i|² + sum_j |q_j|²) / 2
 * </pre>
 *
 * Each epoch draws (user, positive) pairs uniformly over the training interactions (as many as there
 * are), negatives uniformly among the user's non-positive items, and updates only the rows involved
 * (row-wise optimizer, L2 as lazy weight decay on those rows), Hogwild-parallel over threads.
 *
 * <p>The inner loop allocates nothing: 1 + n SIMD dots, the user gradient by axpy from the item rows
 * before their update, then one fused Adagrad/SGD/Adam step per item row straight from the user row
 * ({@link RowOptimizer#updateScaled}) and one for the user. With {@link TrainContext#checkpointing()}
 * set, the tables, optimizer state and random streams are checkpointed and can be resumed (bit for
 * bit with one thread).
 *
 * <p>With {@link MfBprConfig#sharedNegatives()} training is by mini-batches instead, as in the MF-BPR
 * of BARS and SimpleX (Mao et al., CIKM 2021), whose tuned gowalla run uses 300 uniform negatives per
 * positive, the loss averaged over them ({@link MfBprConfig#meanOverNegatives()}), Adam and batches
 * of 256: each batch's examples share their negatives, so the B x N scores and their gradients are
 * GEMMs ({@link SharedNegativeBatch}) and each touched row takes one step per batch.
 */
public final class MfBpr implements RecallAlgorithm<MfBprConfig> {
  public static final String NAME = "mfbpr";
  private static final float[] ONE = {1f};

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "matrix factorisation with BPR loss (Rendle et al. 2009), Hogwild SGD/Adagrad/Adam";
  }

  @Override
  public MfBprConfig defaultConfig() {
    return MfBprConfig.defaults();
  }

  @Override
  public RecallModel train(Interactions train, MfBprConfig config, TrainContext context) {
    return train(train, config, context, null, 1, 0);
  }

  /**
   * Trains with a validation metric (higher is better) computed on the current model every
   * {@code validateEvery} epochs and after the last; with {@code patience > 0} training stops after
   * that many validations without improvement, and the best epoch's weights are returned.
   *
   * @param validation may be null (plain training); the model it gets shares the live weights and is
   *     only valid during the call
   */
  public MfBprModel train(Interactions train, MfBprConfig config, TrainContext context,
      ToDoubleFunction<MfBprModel> validation, int validateEvery, int patience) {
    if (config.denseAdam() && context.checkpointing() != null) {
      throw new IllegalArgumentException("mfbpr denseAdam=true cannot checkpoint (CatchUpAdam has no checkpoint"
          + " format); train without checkpointing or with denseAdam=false");
    }
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    int dim = config.dim();
    WorkerRandom init = new WorkerRandom(context.seed());
    EmbeddingTable users = new EmbeddingTable(numUsers, dim);
    EmbeddingTable items = new EmbeddingTable(numItems, dim);
    users.initNormal(config.initStd(), init);
    items.initNormal(config.initStd(), init);
    EmbeddingTable bias = new EmbeddingTable(numItems, 1);
    RowOptimizer userOpt = embeddingOptimizer(config, users);
    RowOptimizer itemOpt = embeddingOptimizer(config, items);
    RowOptimizer biasOpt = config.itemBias() ? config.optimizerConfig().create(bias) : null;

    int nnz = train.nnz();
    int[] userPtr = train.userPtr();
    int[] userItems = train.userItems();
    int[] rowUser = new int[nnz];
    for (int u = 0; u < numUsers; u++) {
      for (int p = userPtr[u]; p < userPtr[u + 1]; p++) {
        rowUser[p] = u;
      }
    }
    NegativeSampler sampler = new NegativeSampler(new UniformItemSampler(numItems), train, 32);
    int negatives = config.negatives();
    float[] p = users.data();
    float[] q = items.data();
    float[] b = bias.data();
    VectorKernels k = Kernels.get();
    int threads = config.threads() == 0 ? context.threads() : config.threads();
    TrainingSchedule schedule = new TrainingSchedule(config.epochs(), nnz, config.batchSize(), threads, context.seed(),
        validateEvery, patience);
    Validator validator = validation == null ? null : epoch -> {
      flush(userOpt, itemOpt);
      return validation.applyAsDouble(new MfBprModel(config, train, dim, p, q, config.itemBias() ? b : null));
    };
    if (config.sharedNegatives()) {
      float[] biasOrNull = config.itemBias() ? b : null;
      java.util.concurrent.atomic.AtomicLong batches = new java.util.concurrent.atomic.AtomicLong();
      long[] userLast = new long[numUsers];
      long[] itemLast = new long[numItems];
      Hogwild.train(schedule, (workerId, random) -> {
        SharedNegativeBatch batch = new SharedNegativeBatch(k, config, numUsers, numItems, p, q, biasOrNull, userItems,
            batches, userLast, itemLast);
        return (epoch, batchIndex, from, to) -> {
          float lr = (float) config.learningRateAt(epoch + 1);
          if (userOpt.learningRate() != lr) { // the first batch of a decayed epoch (a benign race between workers)
            for (RowOptimizer o : new RowOptimizer[] {userOpt, itemOpt, biasOpt}) {
              if (o != null) {
                o.setLearningRate(lr);
              }
            }
          }
          batch.sample(random, (int) (to - from), rowUser, numItems);
          double loss = batch.forwardBackward();
          tick(userOpt, itemOpt);
          batch.update(userOpt, itemOpt, biasOpt);
          return loss * (to - from); // summed over the batch's examples, as the per-example loop reports
        };
      }, validator, context.progress(), context.checkpointing(), TrainingState.of(userOpt, itemOpt, biasOpt), p, q, b);
      flush(userOpt, itemOpt);
      return new MfBprModel(config, train, dim, p, q, config.itemBias() ? b : null);
    }
    float gradScale = config.meanOverNegatives() ? 1f / negatives : 1f;
    Hogwild.train(schedule, (workerId, random) -> {
      // Per-worker scratch, allocated once: nothing is allocated per example.
      int[] neg = new int[negatives];
      float[] scores = new float[negatives + 1];
      float[] grad = new float[negatives + 1];
      float[] userGrad = new float[dim];
      return (epoch, batch, from, to) -> {
        double loss = 0;
        for (long e = from; e < to; e++) {
          int pos = random.nextInt(nnz);
          int u = rowUser[pos];
          int i = userItems[pos];
          sampler.sample(u, random, neg, 0, negatives);
          if (neg[0] == NegativeSampler.NONE) {
            continue; // the user has every item: no ranking to learn
          }
          int uOff = u * dim;
          scores[0] = k.dot(p, uOff, q, i * dim, dim) + b[i];
          for (int j = 0; j < negatives; j++) {
            scores[j + 1] = k.dot(p, uOff, q, neg[j] * dim, dim) + b[neg[j]];
          }
          double exampleLoss = BprLoss.loss(scores, 0, negatives, grad, 0);
          if (gradScale != 1f) {
            exampleLoss *= gradScale;
            for (int j = 0; j <= negatives; j++) {
              grad[j] *= gradScale;
            }
          }
          loss += exampleLoss;
          // dL/dp_u = sum_k g_k q_k from the item rows before their update (they are still in L1 from
          // the dots); then each item row steps with dL/dq_k = g_k p_u straight from p_u, which is
          // updated last, so no copy of it is needed.
          java.util.Arrays.fill(userGrad, 0f);
          k.axpy(grad[0], q, i * dim, userGrad, 0, dim);
          for (int j = 0; j < negatives; j++) {
            k.axpy(grad[j + 1], q, neg[j] * dim, userGrad, 0, dim);
          }
          itemOpt.updateScaled(i, grad[0], p, uOff);
          for (int j = 0; j < negatives; j++) {
            itemOpt.updateScaled(neg[j], grad[j + 1], p, uOff);
          }
          if (biasOpt != null) {
            for (int j = 0; j <= negatives; j++) {
              biasOpt.updateScaled(j == 0 ? i : neg[j - 1], grad[j], ONE, 0);
            }
          }
          userOpt.update(u, userGrad, 0);
        }
        return loss;
      };
    }, validator, context.progress(), context.checkpointing(), TrainingState.of(userOpt, itemOpt, biasOpt), p, q, b);
    return new MfBprModel(config, train, dim, p, q, config.itemBias() ? b : null);
  }

  private static RowOptimizer embeddingOptimizer(MfBprConfig config, EmbeddingTable table) {
    if (config.denseAdam()) {
      return new CatchUpAdam(table, config.embeddingOptimizer()).decayEveryStep(config.l2EveryBatch());
    }
    return config.embeddingOptimizer().create(table);
  }

  /** One batch step of the dense-Adam clocks (nothing for lazy optimizers). */
  private static void tick(RowOptimizer... optimizers) {
    for (RowOptimizer o : optimizers) {
      if (o instanceof CatchUpAdam dense) {
        dense.tick();
      }
    }
  }

  /** Brings every row of the dense-Adam tables up to the clock (before the weights are read). */
  private static void flush(RowOptimizer... optimizers) {
    for (RowOptimizer o : optimizers) {
      if (o instanceof CatchUpAdam dense) {
        dense.flush();
      }
    }
  }

  @Override
  public RecallModel read(DataInput in, MfBprConfig config, Interactions train) throws IOException {
    FactorModel.Tables t = FactorModel.readTables(in, NAME, config.dim(), train);
    float[] bias = in.readBoolean() ? BinaryIO.readFloats(in) : null;
    if (bias != null && bias.length != train.numItems()) {
      throw new IOException(NAME + " payload does not match the model: bias floats=" + bias.length + " for "
          + train.numItems() + " items");
    }
    return new MfBprModel(config, train, t.dim(), t.userVectors(), t.itemVectors(), bias);
  }
}
