package dev.funnel.recall.lightgcn;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import dev.funnel.recall.FactorModel;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.runtime.Hogwild;
import dev.funnel.train.runtime.TrainingResult;
import dev.funnel.train.runtime.TrainingSchedule;
import dev.funnel.train.runtime.Validator;
import dev.funnel.train.sample.NegativeSampler;
import dev.funnel.train.sample.UniformItemSampler;
import java.io.DataInput;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/**
 * LightGCN (He, Deng, Wang, Li, Zhang &amp; Wang, "LightGCN: Simplifying and Powering Graph
 * Convolution Network for Recommendation", SIGIR 2020), as in the paper and its reference code
 * (gusye1234/LightGCN-PyTorch):
 *
 * <ul>
 *   <li>graph: {@code Â = D^-1/2 A D^-1/2} of the bipartite user-item graph ({@link NormalizedGraph});
 *   <li>K propagation layers {@code E^(k+1) = Â E^(k)} without weights or non-linearity, readout
 *       {@code E = (1/(K+1)) Σ_{k=0..K} E^(k)} (eq. 4 with α_k = 1/(K+1)), score {@code e_uᵀ e_i};
 *   <li>per epoch, as many BPR triples as training interactions, drawn as the reference's
 *       {@code UniformSample_original}: user uniform (among users with an item), positive uniform among
 *       the user's items, negative uniform among the items the user has not;
 *   <li>loss per batch: mean {@code softplus(ŷ_uj − ŷ_ui)} plus
 *       {@code l2 · ½(|e⁰_u|² + |e⁰_i|² + |e⁰_j|²)/B} summed over the batch (ego embeddings only);
 *   <li>dense Adam over all ego embeddings, N(0, 0.1²) init.
 * </ul>
 *
 * The gradient goes back through the propagation exactly ({@link LightGcnTrainer}). Batches run one
 * after another (each is one Adam step on the whole table, as in the reference); the parallelism is
 * inside a batch, over the rows of the sparse products.
 */
public final class LightGcn implements RecallAlgorithm<LightGcnConfig> {
  public static final String NAME = "lightgcn";

  /** A trained model with what its training run did. */
  public record Fit(LightGcnModel model, TrainingResult result) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "LightGCN graph convolution (He et al. 2020), BPR loss, Adam, exact back-propagation";
  }

  @Override
  public LightGcnConfig defaultConfig() {
    return LightGcnConfig.defaults();
  }

  @Override
  public RecallModel train(Interactions train, LightGcnConfig config, TrainContext context) {
    return fit(train, config, context, null).model();
  }

  /**
   * Trains, optionally validating: every {@code config.validateEvery()} epochs the validator scores the
   * model of the current weights (higher is better); with {@code patience} training stops early, and
   * the weights of the best validation are kept (the runtime's {@link Hogwild} loop).
   *
   * @param validator may be null: no validation, the last epoch's weights are kept
   */
  public static Fit fit(Interactions train, LightGcnConfig config, TrainContext context,
      ToDoubleFunction<LightGcnModel> validator) {
    int numUsers = train.numUsers();
    int dim = config.dim();
    NormalizedGraph graph = new NormalizedGraph(train);
    // Row 0 at EGO_OFFSET: rows on 64-byte lines under G1, so the first layer gathers from this table itself.
    int egoOff = LightGcnTrainer.EGO_OFFSET;
    float[] ego = new float[Math.addExact(egoOff, Math.multiplyExact(graph.numNodes(), dim))];
    WorkerRandom init = new WorkerRandom(context.seed());
    for (int x = egoOff; x < ego.length; x++) {
      ego[x] = (float) (config.initStd() * init.nextGaussian());
    }
    int threads = config.threads() == 0 ? context.threads() : config.threads();
    int[] activeUsers = usersWithItems(train);
    int nnz = activeUsers.length == 0 || numUsers == 0 ? 0 : train.nnz();
    int[] users = new int[nnz];
    int[] positives = new int[nnz];
    int[] negatives = new int[nnz];
    int[] userPtr = train.userPtr();
    int[] userItems = train.userItems();
    NegativeSampler sampler = new NegativeSampler(new UniformItemSampler(train.numItems()), train, 64);
    TrainingSchedule schedule = new TrainingSchedule(config.epochs(), nnz, config.batchSize(), 1, context.seed(),
        config.validateEvery(), config.patience());
    try (RowPool pool = new RowPool(threads)) {
      LightGcnTrainer trainer = new LightGcnTrainer(graph, dim, config.layers(), config.l2(), config.learningRate(), ego,
          egoOff, pool, Kernels.get());
      Validator v = validator == null ? null
          : epoch -> validator.applyAsDouble(model(config, train, trainer.readout(), numUsers, dim));
      TrainingResult result = Hogwild.train(schedule, (workerId, random) -> (epoch, batch, from, to) -> {
        if (batch == 0) {
          trainer.parametersChanged(); // a resumed checkpoint may have rewritten ego
          trainer.learningRate(config.learningRate(epoch));
          for (int n = 0; n < nnz; n++) {
            int u = activeUsers[random.nextInt(activeUsers.length)];
            users[n] = u;
            positives[n] = userItems[userPtr[u] + random.nextInt(userPtr[u + 1] - userPtr[u])];
            negatives[n] = sampler.sample(u, random);
          }
        }
        int a = (int) from;
        int b = (int) to;
        // A user holding every item has no negative: drop those triples (never on real data).
        for (int n = a; n < b; n++) {
          if (negatives[n] == NegativeSampler.NONE) {
            return dropNone(trainer, users, positives, negatives, a, b);
          }
        }
        return trainer.step(users, positives, negatives, a, b) * (b - a);
      }, v, context.progress(), ego);
      return new Fit(model(config, train, trainer.readout(), numUsers, dim), result);
    }
  }

  private static double dropNone(LightGcnTrainer trainer, int[] users, int[] positives, int[] negatives, int a, int b) {
    int[] u = new int[b - a];
    int[] p = new int[b - a];
    int[] q = new int[b - a];
    int c = 0;
    for (int n = a; n < b; n++) {
      if (negatives[n] != NegativeSampler.NONE) {
        u[c] = users[n];
        p[c] = positives[n];
        q[c] = negatives[n];
        c++;
      }
    }
    return c == 0 ? 0 : trainer.step(u, p, q, 0, c) * c;
  }

  private static int[] usersWithItems(Interactions train) {
    int[] out = new int[train.numUsers()];
    int c = 0;
    for (int u = 0; u < train.numUsers(); u++) {
      if (train.userDegree(u) > 0) {
        out[c++] = u;
      }
    }
    return Arrays.copyOf(out, c);
  }

  private static LightGcnModel model(LightGcnConfig config, Interactions train, float[] finals, int numUsers, int dim) {
    float[] userVectors = Arrays.copyOfRange(finals, 0, numUsers * dim);
    float[] itemVectors = Arrays.copyOfRange(finals, numUsers * dim, finals.length);
    return new LightGcnModel(config, train, dim, userVectors, itemVectors);
  }

  @Override
  public RecallModel read(DataInput in, LightGcnConfig config, Interactions train) throws IOException {
    FactorModel.Tables t = FactorModel.readTables(in, NAME, config.dim(), train);
    return new LightGcnModel(config, train, t.dim(), t.userVectors(), t.itemVectors());
  }
}
