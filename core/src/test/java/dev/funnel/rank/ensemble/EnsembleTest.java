package dev.funnel.rank.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.config.Params;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.RankModelFile;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.Synthetic;
import dev.funnel.rank.eval.RankMetrics;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.itemcf.ItemCFConfig;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnsembleTest {
  /** A member with fixed probabilities, one per row. */
  private record Fixed(String algorithm, FieldMap fields, float[] p) implements RankModel {
    @Override
    public Record config() {
      return Registry.rank(algorithm).defaultConfig();
    }

    @Override
    public void score(SampleBatch batch, float[] out) {
      System.arraycopy(p, 0, out, 0, batch.size());
    }

    @Override
    public void writePayload(DataOutput out) {
      throw new UnsupportedOperationException();
    }
  }

  private static Map<String, String> params(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void scoreIsTheSigmoidOfTheMeanLogit() {
    SampleBatch batch = Synthetic.batch(4, false, 1);
    // row 0: logit(0.2) = ln 0.25, logit(0.9) = ln 9, mean = ln 1.5, sigmoid = 1.5 / 2.5 = 0.6
    // row 1: 0.5 and 0.5 -> 0.5; row 2: 0.1 and 0.1 -> 0.1
    // row 3: a member saturated at 1 is clamped to 1 - 1e-7: mean = (ln((1 - 1e-7) / 1e-7) + 0) / 2 = 8.05904..., p = 0.999683...
    RankModel lr = new Fixed("lr", batch.fields(), new float[] {0.2f, 0.5f, 0.1f, 1f});
    RankModel fm = new Fixed("fm", batch.fields(), new float[] {0.9f, 0.5f, 0.1f, 0.5f});
    EnsembleModel e = new EnsembleModel(new EnsembleConfig("lr,fm", Map.of()), batch.fields(), List.of(lr, fm));
    float[] p = e.score(batch);
    assertThat(p[0]).isCloseTo(0.6f, within(1e-6f));
    assertThat(p[1]).isCloseTo(0.5f, within(1e-6f));
    assertThat(p[2]).isCloseTo(0.1f, within(1e-6f));
    double half = 0.5 * Math.log((1 - 1e-7) / 1e-7);
    assertThat(p[3]).isCloseTo((float) (1 / (1 + Math.exp(-half))), within(1e-6f));
    assertThat(p[3]).isCloseTo(0.999683f, within(1e-6f));
  }

  @Test
  void fitTrainsEachMemberAndSavedModelScoresIdentically() throws Exception {
    long seed = 7;
    System.out.println("EnsembleTest seed=" + seed);
    SampleBatch train = Synthetic.batch(3000, false, seed);
    SampleBatch validation = Synthetic.batch(1000, false, seed + 1);
    RankAlgorithm<?> algorithm = Registry.rank("ensemble");
    RankModel model = fit(algorithm, params("members", "lr,fm", "lr.epochs", "3", "fm.epochs", "3", "fm.dim", "4"), train, validation, seed);
    assertThat(model).isInstanceOf(EnsembleModel.class);
    EnsembleModel e = (EnsembleModel) model;
    assertThat(e.members()).extracting(RankModel::algorithm).containsExactly("lr", "fm");
    assertThat(Params.toStrings(e.members().get(1).config())).containsEntry("dim", "4").containsEntry("epochs", "3");
    assertThat(e.config().memberParams()).containsEntry("fm.dim", "4").containsEntry("lr.alpha", "0.1"); // resolved, defaults spelled out

    float[] p = model.score(validation);
    float[] a = e.members().get(0).score(validation);
    float[] b = e.members().get(1).score(validation);
    for (int i = 0; i < p.length; i++) {
      double mean = (EnsembleModel.logit(a[i]) + EnsembleModel.logit(b[i])) / 2;
      assertThat(p[i]).isCloseTo((float) (1 / (1 + Math.exp(-mean))), within(1e-6f));
    }
    assertThat(RankMetrics.auc(p, validation.labels())).isGreaterThan(0.8); // learnt the linear rule (a < 5)

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RankModelFile.write(bytes, model);
    RankModel back = RankModelFile.read(new ByteArrayInputStream(bytes.toByteArray()));
    assertThat(back.algorithm()).isEqualTo("ensemble");
    assertThat(back.config()).isEqualTo(model.config());
    assertThat(back.score(validation)).containsExactly(p);
  }

  private static <C extends Record> RankModel fit(RankAlgorithm<C> algorithm, Map<String, String> params, SampleBatch train,
      SampleBatch validation, long seed) {
    return algorithm.fit(Params.bind(algorithm.defaultConfig(), params), train, validation, new TrainContext(1, seed, Progress.NONE));
  }

  @Test
  void badMemberSpecsNameTheFieldAndValue() {
    EnsembleConfig d = EnsembleConfig.defaults();
    assertThatThrownBy(() -> Params.bind(d, params("members", "deepfm,dcn")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("members").hasMessageContaining("'dcn'").hasMessageContaining("dcnv2");
    assertThatThrownBy(() -> Params.bind(d, params("members", "deepfm"))).hasMessageContaining("at least two").hasMessageContaining("members=deepfm");
    assertThatThrownBy(() -> Params.bind(d, params("members", "deepfm,,fm"))).hasMessageContaining("members='deepfm,,fm'");
    assertThatThrownBy(() -> Params.bind(d, params("members", "fm,fm"))).hasMessageContaining("'fm' twice");
    assertThatThrownBy(() -> Params.bind(d, params("members", "fm,ensemble"))).hasMessageContaining("ensemble");
    assertThatThrownBy(() -> Params.bind(d, params("members", "deepfm,fm", "dcnv2.dropout", "0.1")))
        .hasMessageContaining("'dcnv2.dropout'").hasMessageContaining("'dcnv2'").hasMessageContaining("members=deepfm,fm");
    assertThatThrownBy(() -> Params.bind(d, params("deepfm.dropuot", "0.1")))
        .hasMessageContaining("member 'deepfm'").hasMessageContaining("'dropuot'");
    assertThatThrownBy(() -> Params.bind(d, params("deepfm.dropout", "2")))
        .hasMessageContaining("member 'deepfm'").hasMessageContaining("dropout=2");
    assertThatThrownBy(() -> Params.bind(d, params("deepfm.dim", "ten")))
        .hasMessageContaining("member 'deepfm'").hasMessageContaining("'dim'").hasMessageContaining("'ten'");
    assertThatThrownBy(() -> Params.bind(d, params("memberParams", "x"))).hasMessageContaining("dotted keys");
    assertThatThrownBy(() -> Params.bind(d, params("dropout", "0.1"))).hasMessageContaining("unknown parameter 'dropout'")
        .hasMessageContaining("PREFIX.KEY");
  }

  @Test
  void dottedKeysNestOnlyWhereTheRecordHasAMap() {
    EnsembleConfig c = Params.bind(EnsembleConfig.defaults(), params("members", "lr,fm", "fm.dim", "4", "lr.l2", "0.5"));
    assertThat(c.paramsOf("fm")).isEqualTo(Map.of("dim", "4"));
    assertThat(Params.toStrings(c)).containsEntry("members", "lr,fm").containsEntry("fm.dim", "4").containsEntry("lr.l2", "0.5")
        .doesNotContainKey("memberParams");
    assertThat(Params.bind(EnsembleConfig.defaults(), Params.toStrings(c))).isEqualTo(c);
    assertThatThrownBy(() -> Params.bind(ItemCFConfig.defaults(), params("a.b", "1"))).hasMessageContaining("unknown parameter 'a.b'");
  }
}
