package dev.funnel.rank.dcn;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.FieldSlots;
import dev.funnel.rank.MiniBatchTraining;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.RowOptimizer;
import dev.funnel.util.Parallel;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a {@link DcnNet} (DCN-V2, Wide&amp;Deep): mini-batches of the mean weighted logistic loss,
 * Adam everywhere (lazy per-row on the embedding and wide rows a batch touches, or every row with the
 * full-table regularizer; one row per dense layer), batch-norm statistics tracked per step, early
 * stopping on validation AUC with optional reduce-on-plateau ({@link MiniBatchTraining}). Data
 * parallel as DeepFM: part p of every batch goes to thread p and parts are summed in order, so a run
 * is deterministic for a seed and thread count.
 */
public final class DcnTrainer {
  private DcnTrainer() {}

  /** Trains a fresh network of {@code shape}; returns it with the best epoch's weights. */
  public static DcnNet fit(DcnShape shape, TrainSettings s, SampleBatch train, SampleBatch validation, TrainContext context) {
    FieldMap fields = train.fields();
    if (validation != null && !validation.fields().equals(fields)) {
      throw new IllegalArgumentException("validation fields (" + validation.fields() + ") differ from training's (" + fields + ")");
    }
    DcnNet net = DcnNet.init(shape, fields.numFeatures(), fields.numFields(), s.initStd(), context.seed());
    int n = net.numFeatures;
    int dim = net.dim;
    FieldSlots slots = FieldSlots.of(train);
    FieldSlots validationSlots = validation == null ? null : FieldSlots.of(validation);
    OptimizerConfig adam = OptimizerConfig.adam(s.learningRate());
    boolean dense = s.embeddingRegularizer() > 0;
    double decay = s.embeddingL2() + s.embeddingRegularizer();
    List<RowOptimizer> all = new ArrayList<>();
    RowOptimizer embeddingStep = add(all, adam.withWeightDecay(decay).create(new EmbeddingTable(n, dim, net.embeddings)));
    RowOptimizer linearStep = null;
    RowOptimizer biasStep = null;
    if (net.linear != null) {
      EmbeddingTable table = new EmbeddingTable(n + 1, 1, net.linear);
      linearStep = add(all, adam.withWeightDecay(decay).create(table));
      biasStep = add(all, adam.create(table)); // its own state, row n only
    }
    OptimizerConfig denseAdam = adam.withWeightDecay(s.denseL2());
    RowOptimizer[] mlpSteps = net.mlp.optimizers(denseAdam);
    RowOptimizer[] crossSteps = net.cross.optimizers(denseAdam);
    RowOptimizer crossOutStep = net.crossOut == null ? null
        : add(all, denseAdam.create(new EmbeddingTable(1, net.crossOut.params().length, net.crossOut.params())));
    all.addAll(List.of(mlpSteps));
    all.addAll(List.of(crossSteps));

    int threads = Math.max(1, context.threads());
    DcnNet.Pass[] parts = new DcnNet.Pass[threads];
    WorkerRandom[] randoms = new WorkerRandom[threads];
    dev.funnel.rank.nn.Mlp.Workspace[] spaces = new dev.funnel.rank.nn.Mlp.Workspace[threads];
    for (int t = 0; t < threads; t++) {
      parts[t] = net.pass();
      parts[t].ensureGradients();
      randoms[t] = new WorkerRandom(WorkerRandom.forWorker(context.seed() ^ 0xDC2, t).nextLong());
      spaces[t] = parts[t].mlpSpace;
    }
    DcnNet.Pass grads = parts[0];
    double[] partLoss = new double[threads];
    VectorKernels k = Kernels.get();
    float dropout = (float) s.dropout();
    RowOptimizer fLinear = linearStep;
    RowOptimizer fBias = biasStep;
    Runnable onPlateau = s.plateauDecay() >= 1 ? null : () -> {
      for (RowOptimizer o : all) {
        o.setLearningRate((float) (o.learningRate() * s.plateauDecay()));
      }
    };
    MiniBatchTraining.run(train.size(), validation, s.epochs(), s.patience(), s.batchSize(), context.seed(), context.progress(),
        (rows, from, to) -> {
          int m = to - from;
          int chunk = (m + threads - 1) / threads;
          Parallel.forRange(m, threads, chunk, (worker, a, b) -> {
            int p = a / chunk;
            partLoss[p] = parts[p].train(k, slots, train, rows, from + a, from + b, m, dropout, randoms[p]);
          });
          double loss = 0;
          int used = 0;
          for (int p = 0; p < threads; p++) {
            loss += partLoss[p];
            partLoss[p] = 0;
            if (p > 0) {
              grads.absorb(parts[p]);
            }
            if ((long) p * chunk < m) {
              used++;
            }
          }
          net.mlp.trackStatistics(java.util.Arrays.copyOf(spaces, used));
          if (dense) {
            for (int i = 0; i < n; i++) {
              embeddingStep.update(i, grads.embeddingGrad, i * dim);
              if (fLinear != null) {
                fLinear.updateScalar(i, grads.linearGrad[i]);
              }
            }
          } else {
            for (int t = 0; t < grads.touchedCount; t++) {
              int i = grads.touched[t];
              embeddingStep.update(i, grads.embeddingGrad, i * dim);
              if (fLinear != null) {
                fLinear.updateScalar(i, grads.linearGrad[i]);
              }
            }
          }
          if (fBias != null) {
            fBias.updateScalar(n, grads.biasGrad);
          }
          grads.clearSparse();
          net.mlp.step(mlpSteps, grads.mlpSpace);
          net.cross.step(crossSteps, grads.crossSpace);
          if (crossOutStep != null) {
            crossOutStep.update(0, grads.crossOutGrad, 0);
            java.util.Arrays.fill(grads.crossOutGrad, 0f);
          }
          return loss;
        }, batch -> {
          float[] out = new float[batch.size()];
          DcnModel.score(net, k, batch == validation ? validationSlots : FieldSlots.of(batch), out);
          return out;
        }, onPlateau, net.stateArrays());
    return net;
  }

  private static RowOptimizer add(List<RowOptimizer> all, RowOptimizer o) {
    all.add(o);
    return o;
  }
}
