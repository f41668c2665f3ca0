package dev.funnel.rank.dcn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.config.Params;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldSlots;
import dev.funnel.rank.FiniteDifferences;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.RankModelFile;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.Synthetic;
import dev.funnel.rank.eval.RankMetrics;
import dev.funnel.rank.nn.Activation;
import dev.funnel.rank.widedeep.WideDeep;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.train.WorkerRandom;
import dev.funnel.util.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DcnTest {

  /** Mean weighted logistic loss under the training forward (batch statistics, no dropout). */
  private static double meanLoss(DcnNet net, VectorKernels k, FieldSlots slots, SampleBatch batch) {
    DcnNet.Pass pass = net.pass();
    pass.forward(k, slots, null, 0, batch.size(), 0f, new WorkerRandom(1));
    return Synthetic.meanLogisticLoss(pass.logits, batch);
  }

  private static void check(String what, double analytic, double numeric, long seed) {
    assertThat(analytic).as("%s (seed %d)", what, seed).isCloseTo(numeric, within(5e-4 + 2e-2 * Math.abs(numeric)));
  }

  private static void checkGradients(DcnShape shape, long seed) {
    System.out.println("DcnTest finite differences " + shape + " seed=" + seed);
    Random rnd = new Random(seed);
    VectorKernels k = Kernels.get();
    SampleBatch batch = Synthetic.valuedBatch(7, seed);
    DcnNet net = DcnNet.init(shape, batch.fields().numFeatures(), batch.fields().numFields(), 0.5, seed);
    if (net.linear != null) {
      for (int i = 0; i < net.linear.length; i++) {
        net.linear[i] = (float) (0.3 * rnd.nextGaussian());
      }
    }
    for (float[] p : net.cross.params()) { // non-zero cross biases
      for (int j = p.length - net.cross.width(); j < p.length && j >= 0; j++) {
        p[j] = (float) (0.2 * rnd.nextGaussian());
      }
    }
    FieldSlots slots = FieldSlots.of(batch);
    java.util.function.DoubleSupplier lossNow = () -> meanLoss(net, k, slots, batch);
    DcnNet.Pass pass = net.pass();
    double loss = pass.train(k, slots, batch, null, 0, batch.size(), batch.size(), 0f, new WorkerRandom(1));
    assertThat(loss / batch.size()).isCloseTo(meanLoss(net, k, slots, batch), within(1e-6));
    assertThat(pass.touchedCount).isGreaterThan(6);
    for (int t = 0; t < pass.touchedCount; t++) {
      int i = pass.touched[t];
      if (net.linear != null) {
        check("w" + i, pass.linearGrad[i], FiniteDifferences.central(net.linear, i, 1e-2, lossNow), seed);
      }
      for (int d = 0; d < net.dim; d++) {
        check("v" + i + "," + d, pass.embeddingGrad[i * net.dim + d],
            FiniteDifferences.central(net.embeddings, i * net.dim + d, 1e-2, lossNow), seed);
      }
    }
    if (net.linear != null) {
      check("w0", pass.biasGrad, FiniteDifferences.central(net.linear, net.numFeatures, 1e-2, lossNow), seed);
    }
    float[][] cross = net.cross.params();
    for (int l = 0; l < cross.length; l++) {
      for (int j = 0; j < cross[l].length; j++) {
        check("cross map " + l + " param " + j, pass.crossSpace.grad(l)[j], FiniteDifferences.central(cross[l], j, 1e-2, lossNow), seed);
      }
    }
    if (net.crossOut != null) {
      float[] p = net.crossOut.params();
      for (int j = 0; j < p.length; j++) {
        check("cross out " + j, pass.crossOutGrad[j], FiniteDifferences.central(p, j, 1e-2, lossNow), seed);
      }
    }
    for (int l = 0; l < net.mlp.depth(); l++) {
      float[] p = net.mlp.layer(l).params();
      for (int j = 0; j < p.length; j++) {
        check("mlp layer " + l + " param " + j, pass.mlpSpace.grad(l)[j], FiniteDifferences.central(p, j, 1e-2, lossNow), seed);
      }
      if (l < net.mlp.depth() - 1 && net.mlp.norm(l) != null) {
        float[] g = net.mlp.norm(l).params();
        for (int j = 0; j < g.length; j++) {
          check("norm " + l + " param " + j, pass.mlpSpace.normGrad(l)[j], FiniteDifferences.central(g, j, 1e-2, lossNow), seed);
        }
      }
    }
  }

  @Test
  void parallelFullRankGradientsMatchFiniteDifferences() {
    checkGradients(new DcnShape(3, 2, 0, true, new int[] {5, 4}, Activation.SWISH, false, false), 20261124L);
  }

  @Test
  void stackedLowRankWithBatchNormGradientsMatchFiniteDifferences() {
    checkGradients(new DcnShape(3, 3, 2, false, new int[] {5}, Activation.SWISH, true, false), 7L);
  }

  @Test
  void wideAndDeepAndCrossOnlyGradientsMatchFiniteDifferences() {
    checkGradients(new DcnShape(3, 0, 0, false, new int[] {4, 3}, Activation.SWISH, false, true), 5L);
    checkGradients(new DcnShape(2, 2, 0, true, new int[0], Activation.RELU, false, true), 6L);
  }

  @Test
  void crossLayerIsX0TimesAffinePlusX() {
    // width 2, W = [[1, 0], [2, 1]], b = [1, -1]; x0 = [1, 2]: y = W x0 + b = [2, 3]; x1 = x0*y + x0 = [3, 8]
    CrossNetwork cross = new CrossNetwork(2, 0, new dev.funnel.rank.nn.Linear[][] {
        {new dev.funnel.rank.nn.Linear(2, 2, new float[] {1, 0, 2, 1, 1, -1})}});
    float[] out = cross.forward(Kernels.get(), new float[] {1, 2}, 1, cross.workspace());
    assertThat(out[0]).isEqualTo(3f);
    assertThat(out[1]).isEqualTo(8f);
  }

  @Test
  void learnsAnInteractionAndRoundTripsThroughTheModelFile() throws Exception {
    long seed = 11L;
    System.out.println("DcnTest synthetic seed=" + seed);
    SampleBatch train = Synthetic.batch(4000, true, seed);
    SampleBatch validation = Synthetic.batch(1000, true, seed + 1);
    SampleBatch test = Synthetic.batch(2000, true, seed + 2);
    Map<String, String> common = Map.of("dim", "4", "hidden", "16,8", "batchSize", "64", "learningRate", "0.01", "dropout", "0.1",
        "epochs", "20", "patience", "3", "embeddingRegularizer", "0.001");
    assertThat(Registry.rank("dcnv2")).isInstanceOf(Dcn.class);
    assertThat(Registry.rank("widedeep")).isInstanceOf(WideDeep.class);
    for (String variant : new String[] {"parallel", "stacked-lowrank", "widedeep"}) {
      Map<String, String> p = new java.util.HashMap<>(common);
      RankModel model;
      TrainContext context = new TrainContext(2, seed, Progress.NONE);
      if (variant.equals("widedeep")) {
        model = new WideDeep().fit(Params.bind(new WideDeep().defaultConfig(), p), train, validation, context);
      } else {
        p.put("crossLayers", "2");
        p.put("parallel", String.valueOf(variant.equals("parallel")));
        p.put("lowRank", variant.equals("parallel") ? "0" : "3");
        model = new Dcn().fit(Params.bind(DcnConfig.defaults(), p), train, validation, context);
      }
      float[] scores = model.score(test);
      double auc = RankMetrics.auc(scores, test.labels());
      assertThat(auc).as(variant).isGreaterThan(0.85); // the Bayes AUC of this data is 0.9 (see DeepFmTest)
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      RankModelFile.write(out, model);
      RankModel back = RankModelFile.read(new ByteArrayInputStream(out.toByteArray()));
      assertThat(back.algorithm()).isEqualTo(model.algorithm());
      assertThat(back.config()).isEqualTo(model.config());
      assertThat(back.score(test)).as(variant).containsExactly(scores);
    }
  }

  @Test
  void configNamesTheBadFieldAndValue() {
    assertThatThrownBy(() -> Params.bind(DcnConfig.defaults(), Map.of("crossLayers", "-1")))
        .hasMessageContaining("crossLayers must be >= 0; crossLayers=-1");
    assertThatThrownBy(() -> Params.bind(DcnConfig.defaults(), Map.of("hidden", "400,x")))
        .hasMessageContaining("hidden=400,x");
    assertThatThrownBy(() -> Params.bind(DcnConfig.defaults(), Map.of("plateauDecay", "0")))
        .hasMessageContaining("plateauDecay must be in (0, 1]; plateauDecay=0.0");
    SampleBatch b = Synthetic.batch(10, true, 1);
    assertThatThrownBy(() -> new Dcn().fit(Params.bind(DcnConfig.defaults(), Map.of("dim", "2", "lowRank", "6")), b, null,
        new TrainContext(1, 1, Progress.NONE))).hasMessage("lowRank must be below numFields x dim = 6 (0 for full rank); lowRank=6");
  }
}
