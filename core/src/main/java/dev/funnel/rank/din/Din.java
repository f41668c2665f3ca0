package dev.funnel.rank.din;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.MiniBatchTraining;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.loss.Logistic;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.RowOptimizer;
import java.io.DataInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a {@link DinModel}: mini-batches of the mean weighted logistic loss, gradients by hand
 * ({@link DinNet#backward}), lazy per-row Adam on the embedding rows a batch touches (coupled L2
 * {@code embeddingL2}), Adam on each tower layer and activation, early stopping on validation AUC
 * ({@link MiniBatchTraining}) keeping the best epoch's weights and Dice statistics. Single-threaded
 * (Dice's batch statistics are the whole mini-batch's): deterministic for a seed. The paper's
 * mini-batch-aware regularisation is replaced by the lazy L2 and early stopping.
 */
public final class Din implements RankAlgorithm<DinConfig> {
  public static final String NAME = "din";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "DIN (Zhou et al. 2018): target attention over the behaviour sequence, PReLU/Dice MLP, mini-batch Adam";
  }

  @Override
  public DinConfig defaultConfig() {
    return DinConfig.defaults();
  }

  /** A fresh network: Gaussian embeddings, Glorot towers, the item-side table from {@code sideSources}' rows. */
  static DinNet init(DinConfig config, FieldMap fields, long seed, SampleBatch... sideSources) {
    WorkerRandom random = new WorkerRandom(seed);
    int dim = config.dim();
    float[] embeddings = new float[fields.numFeatures() * dim];
    for (int i = 0; i < embeddings.length; i++) {
      embeddings[i] = (float) (random.nextGaussian() * config.initStd());
    }
    int[] sides = sideFields(config, fields);
    int itemWidth = dim * (1 + sides.length);
    Tower attention = Tower.create(4 * itemWidth, config.attentionUnits(), 1, config.activation(), random);
    Tower top = Tower.create((fields.numFields() - 1) * dim + itemWidth, config.hiddenUnits(), 1, config.activation(), random);
    int itemField = fields.field(config.itemField());
    int[][] table = DinNet.itemSides(fields, itemField, sides, sideSources);
    return new DinNet(fields, dim, itemField, fields.field(config.historyField()), sides, table[0], table[1], embeddings, attention, top);
  }

  static int[] sideFields(DinConfig config, FieldMap fields) {
    return config.sideFieldNames().stream().mapToInt(fields::field).toArray();
  }

  /**
   * Forward and backward of rows {@code rows[from .. to)}: the gradients of the mean weighted
   * logistic loss into {@code g} and the towers' works; returns the summed weighted loss.
   */
  static double gradients(DinNet net, VectorKernels k, SampleBatch batch, int[] rows, int from, int to, DinNet.Pass pass,
      DinNet.SparseGradient g) {
    int m = to - from;
    net.forward(k, batch, rows, from, to, pass, true);
    float[] dLogits = new float[m];
    float[] labels = batch.labels();
    double loss = 0;
    for (int b = 0; b < m; b++) {
      int r = DinNet.row(rows, from + b);
      double y = pass.logits[b];
      float w = batch.weight(r);
      loss += w * (Logistic.softplus(y) - labels[r] * y);
      dLogits[b] = (float) ((Logistic.sigmoid(y) - labels[r]) * w / m);
    }
    net.backward(k, batch, rows, from, to, pass, dLogits, g);
    return loss;
  }

  @Override
  public DinModel fit(DinConfig config, SampleBatch train, SampleBatch validation, TrainContext context) {
    FieldMap fields = train.fields();
    if (validation != null && !validation.fields().equals(fields)) {
      throw new IllegalArgumentException("validation fields (" + validation.fields() + ") differ from training's (" + fields + ")");
    }
    DinNet net = init(config, fields, context.seed(), train, validation);
    int dim = config.dim();
    OptimizerConfig adam = OptimizerConfig.adam(config.learningRate());
    RowOptimizer embeddingStep = adam.withWeightDecay(config.embeddingL2())
        .create(new EmbeddingTable(fields.numFeatures(), dim, net.embeddings));
    RowOptimizer[] attentionSteps = net.attention.optimizers(adam.withWeightDecay(config.denseL2()), adam);
    RowOptimizer[] topSteps = net.top.optimizers(adam.withWeightDecay(config.denseL2()), adam);
    DinNet.Pass pass = net.pass();
    DinNet.SparseGradient g = new DinNet.SparseGradient(fields.numFeatures(), dim);
    VectorKernels k = Kernels.get();
    List<float[]> state = new ArrayList<>();
    state.add(net.embeddings);
    net.attention.collectState(state);
    net.top.collectState(state);
    MiniBatchTraining.run(train.size(), validation, config.epochs(), config.patience(), config.batchSize(), context.seed(),
        context.progress(), (rows, from, to) -> {
          double loss = gradients(net, k, train, rows, from, to, pass, g);
          for (int t = 0; t < g.touchedCount; t++) {
            int row = g.touched[t];
            embeddingStep.update(row, g.grad, row * dim);
          }
          g.clear();
          net.attention.step(attentionSteps, pass.attentionWork);
          net.top.step(topSteps, pass.topWork);
          return loss;
        }, batch -> DinModel.score(net, k, batch), state.toArray(new float[0][]));
    return new DinModel(config, fields, net);
  }

  @Override
  public DinModel read(DataInput in, DinConfig config, FieldMap fields) throws IOException {
    return DinModel.read(in, config, fields);
  }
}
