package dev.funnel.rank.ffm;

import dev.funnel.rank.EpochTraining;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.LinearTerm;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.loss.Logistic;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.RowOptimizer;
import java.io.DataInput;
import java.io.IOException;

/**
 * Trains an {@link FfmModel} on the logistic loss one sample at a time, as the paper's trainer
 * (Juan et al., RecSys 2016: stochastic gradients with Adagrad per-coordinate rates and L2 lambda). With g =
 * (sigmoid(y) - label) times the sample weight:
 *
 * <pre>
 *   dL/dw0 = g,   dL/dw_i = g x_i,   dL/dv_{i,f} = g Σ_{j != i, f_j = f} v_{j,f_i} x_i x_j
 * </pre>
 *
 * All gradients of a sample are computed from its pre-update weights, then each touched (feature,
 * field) vector takes one row-optimizer step (L2 on touched rows only). Epochs over a seeded shuffle
 * with early stopping on validation AUC ({@link EpochTraining}); deterministic with one thread,
 * Hogwild with more.
 */
public final class FieldAwareFm implements RankAlgorithm<FfmConfig> {
  public static final String NAME = "ffm";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "field-aware factorization machine (Juan et al. 2016), O(n^2 k) pairs, Adagrad/Adam sparse updates";
  }

  @Override
  public FfmConfig defaultConfig() {
    return FfmConfig.defaults();
  }

  @Override
  public FfmModel fit(FfmConfig config, SampleBatch train, SampleBatch validation, TrainContext context) {
    FieldMap fields = train.fields();
    int n = fields.numFeatures();
    EmbeddingTable table = new EmbeddingTable(Math.multiplyExact(n, fields.numFields()), config.dim());
    table.initNormal(config.initStd(), new WorkerRandom(context.seed()));
    FieldFactors factors = new FieldFactors(fields, config.dim(), table.data());
    RowOptimizer factorStep = config.optimizerConfig(config.l2()).create(table);
    LinearTerm linearTerm = new LinearTerm(n, config.optimizerConfig(0), config.linearL2());
    float[] linear = linearTerm.weights();
    EpochTraining.run(train, validation, config.epochs(), config.patience(), context, id -> {
      Step step = new Step(factors);
      return row -> step.train(train, row, linear, factorStep, linearTerm);
    }, batch -> {
      float[] out = new float[batch.size()];
      FfmModel.score(linear, factors, batch, out);
      return out;
    }, linear, factors.v);
    return new FfmModel(config, fields, linear, factors);
  }

  @Override
  public FfmModel read(DataInput in, FfmConfig config, FieldMap fields) throws IOException {
    return FfmModel.read(in, config, fields);
  }

  /** One worker's step with its scratch: the gradient block per (entry, field) and per-field counts. */
  static final class Step {
    private final FieldFactors factors;
    private final int[] fieldCount;
    float[] grad = new float[0];
    float g;

    Step(FieldFactors factors) {
      this.factors = factors;
      this.fieldCount = new int[factors.numFields];
    }

    /** Scores row r, keeps g = dL/dy and the latent gradients in {@link #grad}; returns the row's weighted loss. */
    double compute(SampleBatch batch, int r, float[] linear) {
      double y = FfmModel.margin(linear, factors, batch, r);
      float label = batch.labels()[r];
      float weight = batch.weight(r);
      g = (float) ((Logistic.sigmoid(y) - label) * weight);
      int need = (batch.rowPtr()[r + 1] - batch.rowPtr()[r]) * factors.numFields * factors.dim;
      if (grad.length < need) {
        grad = new float[need];
      }
      factors.gradient(batch, r, g, grad);
      return weight * (Logistic.softplus(y) - label * y);
    }

    double train(SampleBatch batch, int r, float[] linear, RowOptimizer factorStep, LinearTerm linearTerm) {
      double loss = compute(batch, r, linear);
      int[] ptr = batch.rowPtr();
      int[] features = batch.features();
      int[] fieldOf = factors.fieldOf;
      int fields = factors.numFields;
      for (int a = ptr[r]; a < ptr[r + 1]; a++) {
        fieldCount[fieldOf[features[a]]]++;
      }
      for (int a = ptr[r]; a < ptr[r + 1]; a++) {
        int i = features[a];
        int own = fieldOf[i];
        int block = (a - ptr[r]) * fields;
        for (int f = 0; f < fields; f++) {
          // v_{i,f} is in some pair iff another active feature is in field f
          if (fieldCount[f] > (f == own ? 1 : 0)) {
            factorStep.update(i * fields + f, grad, (block + f) * factors.dim);
          }
        }
      }
      java.util.Arrays.fill(fieldCount, 0);
      linearTerm.step(batch, r, g);
      return loss;
    }
  }
}
