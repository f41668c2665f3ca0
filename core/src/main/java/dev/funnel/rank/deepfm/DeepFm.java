package dev.funnel.rank.deepfm;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.FieldSlots;
import dev.funnel.rank.MiniBatchTraining;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.nn.Mlp;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.RowOptimizer;
import dev.funnel.util.Workers;
import java.io.DataInput;
import java.io.IOException;

/**
 * Trains a {@link DeepFmModel}: mini-batches of the mean weighted logistic loss, gradients by hand
 * ({@link DeepFmGradients}), Adam everywhere: lazy per-row Adam on the embedding and first-order rows
 * a batch touches (with coupled L2 {@code embeddingL2}), and Adam on each MLP layer as one row (its
 * step count is the global step). Early stopping on validation AUC ({@link MiniBatchTraining}).
 * Data parallel over {@code context.threads()}: each thread takes a contiguous part of the batch and
 * the parts' gradients are summed in order, so a run is deterministic for a seed and thread count.
 */
public final class DeepFm implements RankAlgorithm<DeepFmConfig> {
  public static final String NAME = "deepfm";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "DeepFM (Guo et al. 2017): FM and an MLP over shared field embeddings, mini-batch Adam";
  }

  @Override
  public DeepFmConfig defaultConfig() {
    return DeepFmConfig.defaults();
  }

  /** A fresh network: Gaussian embeddings, zero first-order weights, Glorot MLP. */
  static DeepFmNet init(DeepFmConfig config, FieldMap fields, long seed) {
    int n = fields.numFeatures();
    int dim = config.dim();
    WorkerRandom random = new WorkerRandom(seed);
    float[] embeddings = new float[n * dim];
    for (int i = 0; i < embeddings.length; i++) {
      embeddings[i] = (float) (random.nextGaussian() * config.initStd());
    }
    Mlp mlp = new Mlp(fields.numFields() * dim, config.hiddenUnits(), 1, config.activation(), config.batchNorm());
    mlp.initGlorot(random);
    return new DeepFmNet(n, fields.numFields(), dim, new float[n + 1], embeddings, mlp);
  }

  @Override
  public DeepFmModel fit(DeepFmConfig config, SampleBatch train, SampleBatch validation, TrainContext context) {
    FieldMap fields = train.fields();
    if (validation != null && !validation.fields().equals(fields)) {
      throw new IllegalArgumentException("validation fields (" + validation.fields() + ") differ from training's (" + fields + ")");
    }
    DeepFmNet net = init(config, fields, context.seed());
    int n = net.numFeatures;
    int dim = net.dim;
    FieldSlots slots = FieldSlots.of(train);
    FieldSlots validationSlots = validation == null ? null : FieldSlots.of(validation);
    OptimizerConfig adam = OptimizerConfig.adam(config.learningRate());
    boolean dense = config.embeddingRegularizer() > 0; // every row steps every batch (the regularizer's gradient)
    double embeddingDecay = config.embeddingL2() + config.embeddingRegularizer();
    RowOptimizer embeddingStep = adam.withWeightDecay(embeddingDecay).create(new EmbeddingTable(n, dim, net.embeddings));
    EmbeddingTable linearTable = new EmbeddingTable(n + 1, 1, net.linear);
    RowOptimizer linearStep = adam.withWeightDecay(embeddingDecay).create(linearTable);
    RowOptimizer biasStep = adam.create(linearTable); // its own state, used for row n only
    RowOptimizer[] denseSteps = net.mlp.optimizers(adam.withWeightDecay(config.denseL2()));
    int threads = Math.max(1, context.threads());
    DeepFmGradients[] parts = new DeepFmGradients[threads];
    for (int t = 0; t < threads; t++) {
      parts[t] = new DeepFmGradients(net, (float) config.dropout(), WorkerRandom.forWorker(context.seed() ^ 0xD80F, t).nextLong());
    }
    DeepFmGradients grads = parts[0];
    double[] partLoss = new double[threads];
    VectorKernels k = Kernels.get();
    float[][] mlpState = net.mlp.stateArrays();
    float[][] weights = new float[2 + mlpState.length][];
    weights[0] = net.linear;
    weights[1] = net.embeddings;
    System.arraycopy(mlpState, 0, weights, 2, mlpState.length);
    Mlp.Workspace[] partSpaces = new Mlp.Workspace[threads];
    for (int t = 0; t < threads; t++) {
      partSpaces[t] = parts[t].pass.workspace;
    }
    Runnable onPlateau = config.plateauDecay() >= 1 ? null : () -> {
      for (RowOptimizer o : allSteps(embeddingStep, linearStep, biasStep, denseSteps)) {
        o.setLearningRate((float) (o.learningRate() * config.plateauDecay()));
      }
    };
    try (Workers workers = new Workers(threads, "funnel-deepfm", 10)) {
      MiniBatchTraining.run(train.size(), validation, config.epochs(), config.patience(), config.batchSize(), context.seed(),
          context.progress(), (rows, from, to) -> {
            // data parallel: part p of the batch always goes to parts[p] and parts are summed in order,
            // so a run is deterministic for a given thread count; the pool lives as long as the fit
            int m = to - from;
            int chunk = (m + threads - 1) / threads;
            int used = (m + chunk - 1) / chunk;
            workers.run(used, p -> partLoss[p] = parts[p].compute(k, slots, train, rows, from + p * chunk,
                from + Math.min(m, (p + 1) * chunk), m));
            double loss = 0;
            for (int p = 0; p < used; p++) {
              loss += partLoss[p];
              partLoss[p] = 0;
              if (p > 0) {
                grads.absorb(parts[p]);
              }
            }
            net.mlp.trackStatistics(java.util.Arrays.copyOf(partSpaces, used)); // parts that ran
            if (dense) {
              for (int i = 0; i < n; i++) {
                embeddingStep.update(i, grads.embeddingGrad, i * dim);
                linearStep.updateScalar(i, grads.linearGrad[i]);
              }
            } else {
              for (int t = 0; t < grads.touchedCount; t++) {
                int i = grads.touched[t];
                embeddingStep.update(i, grads.embeddingGrad, i * dim);
                linearStep.updateScalar(i, grads.linearGrad[i]);
              }
            }
            biasStep.updateScalar(n, grads.biasGrad);
            grads.clearSparse();
            net.mlp.step(denseSteps, grads.pass.workspace);
            return loss;
          }, batch -> {
            float[] out = new float[batch.size()];
            DeepFmModel.score(net, k, batch == validation ? validationSlots : FieldSlots.of(batch), out, workers);
            return out;
          }, onPlateau, weights);
    }
    return new DeepFmModel(config, fields, net);
  }

  private static RowOptimizer[] allSteps(RowOptimizer embedding, RowOptimizer linear, RowOptimizer bias, RowOptimizer[] dense) {
    RowOptimizer[] all = java.util.Arrays.copyOf(dense, dense.length + 3);
    all[dense.length] = embedding;
    all[dense.length + 1] = linear;
    all[dense.length + 2] = bias;
    return all;
  }

  @Override
  public DeepFmModel read(DataInput in, DeepFmConfig config, FieldMap fields) throws IOException {
    return DeepFmModel.read(in, config, fields);
  }
}
