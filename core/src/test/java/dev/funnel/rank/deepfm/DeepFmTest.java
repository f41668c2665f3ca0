package dev.funnel.rank.deepfm;

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
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeepFmTest {

  /** Mean weighted logistic loss of the whole batch under the net's current weights. */
  private static double meanLoss(DeepFmNet net, VectorKernels k, FieldSlots slots, SampleBatch batch) {
    DeepFmNet.Pass pass = net.pass();
    net.forward(k, slots, null, 0, batch.size(), pass);
    return Synthetic.meanLogisticLoss(pass.logits, batch);
  }

  private static void check(String what, double analytic, double numeric, long seed) {
    assertThat(analytic).as("%s (seed %d)", what, seed).isCloseTo(numeric, within(3e-4 + 2e-2 * Math.abs(numeric)));
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    long seed = 20261124L;
    System.out.println("DeepFmTest finite differences seed=" + seed);
    Random rnd = new Random(seed);
    VectorKernels k = Kernels.get();
    SampleBatch batch = Synthetic.valuedBatch(6, seed);
    DeepFmConfig config = new DeepFmConfig(3, "5,4", Activation.SWISH, 6, 1e-3, 0, 0, 0, 0.3, 1, 0);
    DeepFmNet net = DeepFm.init(config, batch.fields(), seed);
    for (int i = 0; i < net.linear.length; i++) {
      net.linear[i] = (float) (0.3 * rnd.nextGaussian());
    }
    FieldSlots slots = FieldSlots.of(batch);
    java.util.function.DoubleSupplier lossNow = () -> meanLoss(net, k, slots, batch);
    DeepFmGradients grads = new DeepFmGradients(net, 0f, 0L);
    double loss = grads.compute(k, slots, batch, null, 0, batch.size(), batch.size());
    assertThat(loss / batch.size()).isCloseTo(meanLoss(net, k, slots, batch), within(1e-6));
    assertThat(grads.touchedCount).isGreaterThan(6);
    for (int t = 0; t < grads.touchedCount; t++) {
      int i = grads.touched[t];
      check("w" + i, grads.linearGrad[i], FiniteDifferences.central(net.linear, i, 1e-2, lossNow), seed);
      for (int d = 0; d < net.dim; d++) {
        check("v" + i + "," + d, grads.embeddingGrad[i * net.dim + d], FiniteDifferences.central(net.embeddings, i * net.dim + d, 1e-2, lossNow), seed);
      }
    }
    check("w0", grads.biasGrad, FiniteDifferences.central(net.linear, net.numFeatures, 1e-2, lossNow), seed);
    for (int l = 0; l < net.mlp.depth(); l++) {
      float[] p = net.mlp.layer(l).params();
      for (int j = 0; j < p.length; j++) {
        check("mlp layer " + l + " param " + j, grads.pass.workspace.grad(l)[j], FiniteDifferences.central(p, j, 1e-2, lossNow), seed);
      }
    }
    // an untouched feature has no gradient
    boolean[] seen = new boolean[net.numFeatures];
    for (int t = 0; t < grads.touchedCount; t++) {
      seen[grads.touched[t]] = true;
    }
    for (int i = 0; i < net.numFeatures; i++) {
      if (!seen[i]) {
        assertThat(grads.linearGrad[i]).isZero();
      }
    }
  }

  @Test
  void gradientsOfPartsAddUpToTheWholeBatch() {
    long seed = 3L;
    System.out.println("DeepFmTest parts seed=" + seed);
    VectorKernels k = Kernels.get();
    SampleBatch batch = Synthetic.valuedBatch(9, seed);
    DeepFmNet net = DeepFm.init(new DeepFmConfig(3, "5", Activation.RELU, 9, 1e-3, 0, 0, 0, 0.3, 1, 0), batch.fields(), seed);
    FieldSlots slots = FieldSlots.of(batch);
    DeepFmGradients whole = new DeepFmGradients(net, 0f, 0L);
    double loss = whole.compute(k, slots, batch, null, 0, 9, 9);
    DeepFmGradients first = new DeepFmGradients(net, 0f, 0L);
    DeepFmGradients second = new DeepFmGradients(net, 0f, 0L);
    double parts = first.compute(k, slots, batch, null, 0, 4, 9) + second.compute(k, slots, batch, null, 4, 9, 9);
    first.absorb(second);
    assertThat(parts).isCloseTo(loss, within(1e-5));
    assertThat(first.touchedCount).isEqualTo(whole.touchedCount);
    assertThat(first.biasGrad).isCloseTo(whole.biasGrad, within(1e-6f));
    for (int i = 0; i < whole.embeddingGrad.length; i++) {
      assertThat(first.embeddingGrad[i]).as("v %d", i).isCloseTo(whole.embeddingGrad[i], within(1e-6f));
    }
    for (int l = 0; l < net.mlp.depth(); l++) {
      for (int j = 0; j < whole.pass.workspace.grad(l).length; j++) {
        assertThat(first.pass.workspace.grad(l)[j]).isCloseTo(whole.pass.workspace.grad(l)[j], within(1e-6f));
        assertThat(second.pass.workspace.grad(l)[j]).isZero();
      }
    }
    assertThat(second.touchedCount).isZero();
  }

  @Test
  void learnsAnInteractionAndRoundTripsThroughTheModelFile() throws Exception {
    long seed = 11L;
    System.out.println("DeepFmTest synthetic seed=" + seed);
    SampleBatch train = Synthetic.batch(4000, true, seed);
    SampleBatch validation = Synthetic.batch(1000, true, seed + 1);
    SampleBatch test = Synthetic.batch(2000, true, seed + 2);
    DeepFmConfig config = Params.bind(DeepFmConfig.defaults(),
        Map.of("dim", "4", "hidden", "16,8", "batchSize", "64", "learningRate", "0.01", "dropout", "0.1", "epochs", "20", "patience", "3"));
    assertThat(Registry.rank("deepfm")).isInstanceOf(DeepFm.class);
    RankModel model = new DeepFm().fit(config, train, validation, new TrainContext(1, seed, Progress.NONE));
    float[] scores = model.score(test);
    double auc = RankMetrics.auc(scores, test.labels());
    // the rule holds for half the rows with p(click)=0.9 vs 0.1: the Bayes AUC is 0.9
    assertThat(auc).isGreaterThan(0.85);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RankModelFile.write(out, model);
    RankModel back = RankModelFile.read(new ByteArrayInputStream(out.toByteArray()));
    assertThat(back.algorithm()).isEqualTo("deepfm");
    assertThat(back.config()).isEqualTo(config);
    assertThat(back.score(test)).containsExactly(scores);
  }

  @Test
  void configNamesTheBadFieldAndValue() {
    assertThatThrownBy(() -> new DeepFmConfig(0, "4", Activation.RELU, 8, 1e-3, 0, 0, 0, 0.01, 1, 0)).hasMessage("dim must be positive; dim=0");
    assertThatThrownBy(() -> new DeepFmConfig(4, "400,0", Activation.RELU, 8, 1e-3, 0, 0, 0, 0.01, 1, 0))
        .hasMessageContaining("hidden=400,0");
    assertThatThrownBy(() -> new DeepFmConfig(4, "4,x", Activation.RELU, 8, 1e-3, 0, 0, 0, 0.01, 1, 0)).hasMessageContaining("hidden=4,x");
    assertThatThrownBy(() -> new DeepFmConfig(4, "4", Activation.RELU, 0, 1e-3, 0, 0, 0, 0.01, 1, 0))
        .hasMessage("batchSize must be positive; batchSize=0");
    assertThatThrownBy(() -> new DeepFmConfig(4, "4", Activation.RELU, 8, 1e-3, -1, 0, 0, 0.01, 1, 0))
        .hasMessage("embeddingL2 must be >= 0 and finite; embeddingL2=-1.0");
    assertThatThrownBy(() -> new DeepFmConfig(4, "4", Activation.RELU, 8, 1e-3, 0, 0, 1, 0.01, 1, 0))
        .hasMessage("dropout must be in [0, 1); dropout=1.0");
    assertThatThrownBy(() -> Params.bind(DeepFmConfig.defaults(), Map.of("learningRate", "0")))
        .hasMessageContaining("learningRate=0.0");
    assertThat(DeepFmConfig.defaults().hiddenUnits()).containsExactly(400, 400, 400);
  }

  @Test
  void rowsWithoutExactlyOneFeaturePerFieldAreRefused() {
    SampleBatch missing = new SampleBatch(Synthetic.FIELDS, new int[] {0, 3, 5}, new int[] {1, 12, 25, 3, 14}, null, new float[] {1, 0},
        null, null);
    assertThatThrownBy(() -> FieldSlots.of(missing)).hasMessageContaining("row 1 has no feature in field 'c'");
    SampleBatch twice = new SampleBatch(Synthetic.FIELDS, new int[] {0, 4}, new int[] {1, 2, 12, 25}, null, new float[] {1}, null, null);
    assertThatThrownBy(() -> FieldSlots.of(twice)).hasMessageContaining("row 0 has two features in field 'a' (1 and 2)");
  }
}
