package dev.funnel.rank.multitask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.config.Params;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.RankModelFile;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.eval.RankMetrics;
import dev.funnel.rank.multitask.esmm.Esmm;
import dev.funnel.rank.multitask.esmm.EsmmConfig;
import dev.funnel.rank.multitask.mmoe.Mmoe;
import dev.funnel.rank.multitask.mmoe.MmoeConfig;
import dev.funnel.rank.multitask.ple.Ple;
import dev.funnel.rank.multitask.ple.PleConfig;
import dev.funnel.rank.multitask.synthetic.ImpressionSimulator;
import dev.funnel.rank.multitask.synthetic.ImpressionSimulatorConfig;
import dev.funnel.rank.multitask.synthetic.SimulatedImpressions;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each click-conversion model learns a dense toy world and round-trips through the ranking model file. */
class ClickConversionModelsTest {
  // a dense world (few users and items, high rates), so a few short epochs learn it
  static final ImpressionSimulator WORLD = new ImpressionSimulator(new ImpressionSimulatorConfig(200, 100, 5, 2, 0, 0.5, 0.2, 0.3, 0.9, 3L));
  static final SimulatedImpressions TRAIN = WORLD.draw(20_000, 1L);
  static final SimulatedImpressions VALIDATION = WORLD.draw(5_000, 2L);
  static final SimulatedImpressions TEST = WORLD.draw(10_000, 3L);

  private static <C extends Record> void learnsAndRoundTrips(MultiTaskAlgorithm<C> algorithm, Map<String, String> params) throws Exception {
    long seed = 5L;
    System.out.println("ClickConversionModelsTest " + algorithm.name() + " seed=" + seed);
    assertThat(Registry.rank(algorithm.name())).isInstanceOf(algorithm.getClass());
    C config = Params.bind(algorithm.defaultConfig(), params);
    MultiTaskModel model = algorithm.fit(config, TRAIN.batch(), VALIDATION.batch(), new TrainContext(1, seed, Progress.NONE));
    SampleBatch test = TEST.batch().samples();
    float[] ctr = model.score(test, MultiTaskModel.CTR);
    float[] cvr = model.score(test, MultiTaskModel.CVR);
    float[] ctcvr = model.score(test, MultiTaskModel.CTCVR);
    assertThat(model.score(test)).containsExactly(ctr);
    for (int r = 0; r < ctr.length; r++) {
      assertThat(ctcvr[r]).isEqualTo(ctr[r] * cvr[r], org.assertj.core.api.Assertions.within(1e-6f));
    }
    double oracleCtr = RankMetrics.auc(TEST.clickProbability(), test.labels());
    double oracleCvr = RankMetrics.auc(TEST.conversionProbability(), TEST.conversionIfClicked());
    double ctrAuc = RankMetrics.auc(ctr, test.labels());
    double cvrAuc = RankMetrics.auc(cvr, TEST.conversionIfClicked());
    System.out.printf("  ctr auc %.4f (truth %.4f), entire-space cvr auc %.4f (truth %.4f)%n", ctrAuc, oracleCtr, cvrAuc, oracleCvr);
    assertThat(ctrAuc).isGreaterThan(0.6);
    assertThat(cvrAuc).isGreaterThan(0.6);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RankModelFile.write(out, model);
    RankModel back = RankModelFile.read(new ByteArrayInputStream(out.toByteArray()));
    assertThat(back).isInstanceOf(MultiTaskModel.class);
    assertThat(back.algorithm()).isEqualTo(algorithm.name());
    assertThat(back.config()).isEqualTo(config);
    MultiTaskModel again = (MultiTaskModel) back;
    assertThat(again.tasks()).containsExactly("ctr", "cvr", "ctcvr");
    assertThat(again.score(test, MultiTaskModel.CVR)).containsExactly(cvr);
    assertThat(again.score(test, MultiTaskModel.CTR)).containsExactly(ctr);
    assertThatThrownBy(() -> again.score(test, "gmv")).hasMessage("unknown task 'gmv'; tasks: ctr, cvr, ctcvr");
  }

  @Test
  void esmmLearnsAndRoundTrips() throws Exception {
    learnsAndRoundTrips(new Esmm(), Map.of("dim", "4", "hidden", "16", "epochs", "4", "batchSize", "256", "learningRate", "0.01"));
  }

  @Test
  void esmmWithoutSharedEmbeddingsOnClickedRowsLearnsAndRoundTrips() throws Exception {
    learnsAndRoundTrips(new Esmm(),
        Map.of("dim", "4", "shareEmbeddings", "false", "space", "CLICKED", "hidden", "16", "epochs", "4", "batchSize", "256", "learningRate", "0.01"));
  }

  @Test
  void mmoeLearnsAndRoundTrips() throws Exception {
    learnsAndRoundTrips(new Mmoe(), Map.of("dim", "4", "experts", "3", "expertUnits", "8", "towerHidden", "4", "epochs", "4", "batchSize", "256", "activation", "SWISH",
        "learningRate", "0.01"));
  }

  @Test
  void pleLearnsAndRoundTrips() throws Exception {
    learnsAndRoundTrips(new Ple(), Map.of("dim", "4", "levels", "2", "sharedExperts", "1", "taskExperts", "1", "expertUnits", "8", "towerHidden",
        "4", "epochs", "4", "batchSize", "256", "learningRate", "0.01", "space", "ENTIRE"));
  }

  @Test
  void aSingleLabelFitIsRefusedAndConfigsNameTheBadValue() {
    assertThatThrownBy(() -> new Esmm().fit(EsmmConfig.defaults(), TRAIN.batch().samples(), null, TrainContext.defaults()))
        .hasMessage("'esmm' is a multi-task ranker: it trains on the labels of tasks [click, conversion] (a MultiTaskBatch), not on one label array");
    assertThatThrownBy(() -> Params.bind(EsmmConfig.defaults(), Map.of("hidden", "8,0"))).hasMessageContaining("hidden=8,0");
    assertThatThrownBy(() -> Params.bind(EsmmConfig.defaults(), Map.of("batchSize", "0"))).hasMessageContaining("batchSize=0");
    assertThatThrownBy(() -> Params.bind(MmoeConfig.defaults(), Map.of("experts", "0"))).hasMessageContaining("experts=0");
    assertThatThrownBy(() -> Params.bind(PleConfig.defaults(), Map.of("taskExperts", "0"))).hasMessageContaining("taskExperts=0");
    assertThatThrownBy(() -> Params.bind(PleConfig.defaults(), Map.of("towerHidden", "x"))).hasMessageContaining("towerHidden=x");
    assertThatThrownBy(() -> Params.bind(MmoeConfig.defaults(), Map.of("learningRate", "0"))).hasMessageContaining("learningRate=0.0");
    MultiTaskBatch clicksOnly = new MultiTaskBatch(TRAIN.batch().samples(), new String[] {"click"}, new float[][] {TRAIN.batch().samples().labels()});
    assertThatThrownBy(() -> new Esmm().fit(EsmmConfig.defaults(), clicksOnly, null, TrainContext.defaults()))
        .hasMessage("train batch must have tasks [click, conversion]; has [click]");
  }

  @Test
  void aPayloadForAnotherShapeIsRefused() throws Exception {
    MultiTaskModel model = new Esmm().fit(Params.bind(EsmmConfig.defaults(), Map.of("dim", "2", "hidden", "4", "epochs", "1")), TRAIN.batch(),
        null, new TrainContext(1, 1L, Progress.NONE));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    model.writePayload(new java.io.DataOutputStream(out));
    EsmmConfig wider = Params.bind(EsmmConfig.defaults(), Map.of("dim", "3", "hidden", "4", "epochs", "1"));
    assertThatThrownBy(() -> new Esmm().read(new java.io.DataInputStream(new ByteArrayInputStream(out.toByteArray())), wider, model.fields()))
        .hasMessageContaining("esmm embeddings has 656 values; the config and fields give 984");
  }
}
