package dev.funnel.rank.fm;

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
 * Trains an {@link FmModel} on the logistic loss, one sample at a time. With g = (sigmoid(y) - label)
 * times the sample weight, the gradients of Rendle (ICDM 2010, eq. 4) are
 *
 * <pre>
 *   dL/dw0 = g,   dL/dw_i = g x_i,   dL/dv_{i,f} = g x_i (Σ_j v_{j,f} x_j - v_{i,f} x_i)
 * </pre>
 *
 * applied through sparse row optimizers ({@link RowOptimizer}: Adagrad or Adam, with L2 on the touched
 * rows only). Epochs over a seeded shuffle with early stopping on validation AUC ({@link
 * EpochTraining}); deterministic with one thread, Hogwild with more.
 */
public final class FactorizationMachine implements RankAlgorithm<FmConfig> {
  public static final String NAME = "fm";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "factorization machine, O(kn) pairwise term (Rendle 2010), Adagrad/Adam sparse updates";
  }

  @Override
  public FmConfig defaultConfig() {
    return FmConfig.defaults();
  }

  @Override
  public FmModel fit(FmConfig config, SampleBatch train, SampleBatch validation, TrainContext context) {
    FieldMap fields = train.fields();
    int n = fields.numFeatures();
    int dim = config.dim();
    EmbeddingTable factorTable = new EmbeddingTable(n, dim);
    factorTable.initNormal(config.initStd(), new WorkerRandom(context.seed()));
    float[] factors = factorTable.data();
    LinearTerm linearTerm = new LinearTerm(n, config.optimizerConfig(0), config.linearL2());
    float[] linear = linearTerm.weights();
    RowOptimizer factorStep = config.optimizerConfig(config.l2()).create(factorTable);
    EpochTraining.run(train, validation, config.epochs(), config.patience(), context, id -> {
      Gradients scratch = new Gradients(dim);
      return row -> {
        double loss = scratch.compute(linear, factors, dim, train, row);
        scratch.apply(train, row, factorStep);
        linearTerm.step(train, row, scratch.g);
        return loss;
      };
    }, batch -> {
      float[] out = new float[batch.size()];
      FmModel.score(linear, factors, dim, batch, out);
      return out;
    }, linear, factors);
    return new FmModel(config, fields, linear, factors);
  }

  @Override
  public FmModel read(DataInput in, FmConfig config, FieldMap fields) throws IOException {
    return FmModel.read(in, config, fields);
  }

  /** One worker's scratch: the factor sums of the current row and its loss gradient g. */
  static final class Gradients {
    final float[] sums;
    float g;

    Gradients(int dim) {
      sums = new float[dim];
    }

    /** Scores row r, keeps dL/dy in {@link #g}; returns the row's weighted logistic loss. */
    double compute(float[] linear, float[] factors, int dim, SampleBatch batch, int r) {
      double y = FmModel.margin(linear, factors, dim, batch, r, sums);
      float label = batch.labels()[r];
      float weight = batch.weight(r);
      g = (float) ((Logistic.sigmoid(y) - label) * weight);
      return weight * (Logistic.softplus(y) - label * y);
    }

    /**
     * Steps the factor rows r touches with the gradients of the last {@link #compute}, dL/dv_{i,f} =
     * g x_i (sums_f - v_{i,f} x_i), each as one fused {@link RowOptimizer#updateAffine} call.
     */
    void apply(SampleBatch batch, int r, RowOptimizer factorStep) {
      int[] ptr = batch.rowPtr();
      int[] features = batch.features();
      for (int k = ptr[r]; k < ptr[r + 1]; k++) {
        int i = features[k];
        float gx = g * batch.value(k);
        factorStep.updateAffine(i, gx, sums, 0, -gx * batch.value(k));
      }
    }
  }
}
