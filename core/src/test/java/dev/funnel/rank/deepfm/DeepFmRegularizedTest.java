package dev.funnel.rank.deepfm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.config.Params;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.RankModelFile;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.Synthetic;
import dev.funnel.rank.eval.RankMetrics;
import dev.funnel.rank.nn.Activation;
import dev.funnel.recall.TrainContext;
import dev.funnel.util.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DeepFM with the FuxiCTR pieces: batch norm, the full-table embedding regularizer, reduce-on-plateau. */
class DeepFmRegularizedTest {

  @Test
  void batchNormAndFullTableRegularizerLearnAndRoundTrip() throws Exception {
    long seed = 12L;
    System.out.println("DeepFmRegularizedTest synthetic seed=" + seed);
    SampleBatch train = Synthetic.batch(4000, true, seed);
    SampleBatch validation = Synthetic.batch(1000, true, seed + 1);
    SampleBatch test = Synthetic.batch(2000, true, seed + 2);
    DeepFmConfig config = Params.bind(DeepFmConfig.defaults(), Map.of("dim", "4", "hidden", "16,8", "batchSize", "64", "learningRate",
        "0.01", "dropout", "0.1", "epochs", "20", "patience", "3", "batchNorm", "true", "embeddingRegularizer", "0.001", "plateauDecay",
        "0.1"));
    for (int threads = 1; threads <= 2; threads++) {
      RankModel model = new DeepFm().fit(config, train, validation, new TrainContext(threads, seed, Progress.NONE));
      float[] scores = model.score(test);
      double auc = RankMetrics.auc(scores, test.labels());
      assertThat(auc).as("threads=%d", threads).isGreaterThan(0.85); // Bayes AUC 0.9 (see DeepFmTest)
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      RankModelFile.write(out, model);
      RankModel back = RankModelFile.read(new ByteArrayInputStream(out.toByteArray()));
      assertThat(back.config()).isEqualTo(config);
      assertThat(back.score(test)).containsExactly(scores);
    }
  }

  @Test
  void newFieldsNameTheBadValue() {
    assertThatThrownBy(() -> new DeepFmConfig(4, "4", Activation.RELU, 8, 1e-3, 0, 0, 0, 0.01, 1, 0, true, -1, 1))
        .hasMessage("embeddingRegularizer must be >= 0 and finite; embeddingRegularizer=-1.0");
    assertThatThrownBy(() -> new DeepFmConfig(4, "4", Activation.RELU, 8, 1e-3, 0, 0, 0, 0.01, 1, 0, true, 0, 0))
        .hasMessage("plateauDecay must be in (0, 1]; plateauDecay=0.0");
  }
}
