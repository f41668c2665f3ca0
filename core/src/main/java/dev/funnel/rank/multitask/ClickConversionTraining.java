package dev.funnel.rank.multitask;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.DenseSettings;
import dev.funnel.rank.FieldSlots;
import dev.funnel.rank.MiniBatchTraining;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.nn.Mlp;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.RowOptimizer;

/**
 * The mini-batch training of every {@link ClickConversionNet} (ESMM, MMoE, PLE): mean weighted {@link
 * ClickConversionLoss} per batch, Adam everywhere (lazy per-row Adam with coupled L2 on the embedding
 * rows a batch touches; Adam on each MLP layer as one row), early stopping through {@link
 * MiniBatchTraining}. Single-threaded, so a run is reproducible from its seed.
 *
 * <p>Early stopping watches a validation AUC observable without ground truth ({@link EarlyStop}):
 * pCVR against conversion on the clicked validation impressions, or pCTCVR against
 * click-and-conversion on every validation impression.
 */
public final class ClickConversionTraining {
  /** Optimizer and loop settings shared by the click-conversion configs (validated there). */
  public record Settings(ClickConversionLoss.Space space, int batchSize, double learningRate, double embeddingL2, double denseL2,
      double initStd, int epochs, int patience, EarlyStop earlyStop) {
    public Settings {
      DenseSettings.set("earlyStop", earlyStop);
      DenseSettings.set("space", space);
      DenseSettings.check(batchSize, learningRate, embeddingL2, denseL2, initStd, epochs, patience);
    }
  }

  /** The validation AUC that early stopping watches. */
  public enum EarlyStop {
    /** pCVR against conversion on the clicked validation impressions (the paper's CVR AUC). */
    CVR,
    /** pCTCVR against click-and-conversion on every validation impression. */
    CTCVR
  }

  private ClickConversionTraining() {}

  /** Initialises {@code net} from the context's seed and trains it on {@code train} (a click-conversion batch). */
  public static void fit(ClickConversionNet net, Settings s, MultiTaskBatch train, MultiTaskBatch validation, TrainContext context) {
    checkClickConversion(train, "train");
    if (validation != null) {
      checkClickConversion(validation, "validation");
      if (!validation.samples().fields().equals(train.samples().fields())) {
        throw new IllegalArgumentException("validation fields (" + validation.samples().fields() + ") differ from training's ("
            + train.samples().fields() + ")");
      }
    }
    if (!train.samples().fields().equals(net.fields)) {
      throw new IllegalArgumentException("training fields (" + train.samples().fields() + ") differ from the net's (" + net.fields + ")");
    }
    net.init(s.initStd(), new dev.funnel.train.WorkerRandom(context.seed()));
    VectorKernels k = Kernels.get();
    FieldSlots slots = FieldSlots.of(train.samples());
    OptimizerConfig adam = OptimizerConfig.adam(s.learningRate());
    RowOptimizer embeddingStep = adam.withWeightDecay(s.embeddingL2())
        .create(new EmbeddingTable(net.fields.numFeatures(), net.dim, net.embeddings));
    Mlp[] mlps = net.mlps();
    RowOptimizer[][] denseSteps = new RowOptimizer[mlps.length][];
    int params = 1;
    for (int i = 0; i < mlps.length; i++) {
      denseSteps[i] = mlps[i].optimizers(adam.withWeightDecay(s.denseL2()));
      params += mlps[i].depth();
    }
    float[][] weights = new float[params][];
    weights[0] = net.embeddings;
    int w = 1;
    for (Mlp mlp : mlps) {
      for (int l = 0; l < mlp.depth(); l++) {
        weights[w++] = mlp.layer(l).params();
      }
    }
    ClickConversionGradients grads = new ClickConversionGradients(net);
    SampleBatch watched = null;
    int watchedTask = 0;
    if (validation != null) {
      if (s.earlyStop() == EarlyStop.CTCVR) {
        watched = validation.asTask(MultiTaskBatch.CONVERSION);
        watchedTask = 2;
      } else {
        watched = validation.select(validation.positiveRows(MultiTaskBatch.CLICK)).asTask(MultiTaskBatch.CONVERSION);
        watchedTask = 1;
      }
    }
    int task = watchedTask;
    MiniBatchTraining.run(train.size(), watched, s.epochs(), s.patience(), s.batchSize(), context.seed(), context.progress(),
        (rows, from, to) -> {
          double loss = grads.compute(k, slots, train, s.space(), rows, from, to, to - from);
          for (int t = 0; t < grads.touchedCount; t++) {
            int i = grads.touched[t];
            embeddingStep.update(i, grads.embeddingGrad, i * net.dim);
          }
          grads.clearSparse();
          for (int i = 0; i < mlps.length; i++) {
            mlps[i].step(denseSteps[i], grads.pass.dense.workspaces[i]);
          }
          return loss;
        }, batch -> {
          float[] out = new float[batch.size()];
          ClickConversionModel.score(net, k, FieldSlots.of(batch), task, out);
          return out;
        }, weights);
  }

  private static void checkClickConversion(MultiTaskBatch batch, String what) {
    if (batch.tasks().length != 2 || !batch.tasks()[0].equals(MultiTaskBatch.CLICK) || !batch.tasks()[1].equals(MultiTaskBatch.CONVERSION)) {
      throw new IllegalArgumentException(what + " batch must have tasks [click, conversion]; has " + java.util.Arrays.toString(batch.tasks()));
    }
  }
}
