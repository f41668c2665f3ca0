package dev.funnel.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.config.Params;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RankModelFileTest {
  @TempDir
  Path dir;

  @Test
  void everyAlgorithmRoundTripsWithIdenticalScores() throws IOException {
    SampleBatch train = Synthetic.batch(2000, true, 1);
    SampleBatch test = Synthetic.batch(300, true, 2);
    assertThat(Registry.rankAlgorithms().keySet()).contains("lr", "fm", "ffm");
    for (RankAlgorithm<?> algorithm : Registry.rankAlgorithms().values()) {
      if (algorithm instanceof dev.funnel.rank.multitask.MultiTaskAlgorithm) {
        continue; // trains on several tasks' labels: round-tripped in ClickConversionModelsTest
      }
      RankModel model = fit(algorithm, train);
      Path file = dir.resolve(algorithm.name() + ".fnr");
      RankModelFile.write(file, model);
      RankModel back = RankModelFile.read(file);
      assertThat(back.algorithm()).isEqualTo(algorithm.name());
      assertThat(back.config()).isEqualTo(model.config());
      assertThat(back.fields()).isEqualTo(model.fields());
      assertThat(back.score(test)).containsExactly(model.score(test));
    }
  }

  private static <C extends Record> RankModel fit(RankAlgorithm<C> algorithm, SampleBatch train) {
    // DIN reads field c as the behaviour sequence over field b's items (both have 10 features)
    Map<String, String> params = algorithm.name().equals("din") ? Map.of("epochs", "2", "itemField", "b", "historyField", "c")
        : algorithm.name().equals("ensemble") ? Map.of("members", "lr,fm", "lr.epochs", "2", "fm.epochs", "2")
        : Map.of("epochs", "2");
    C config = Params.bind(algorithm.defaultConfig(), params);
    return algorithm.fit(config, train, null, new TrainContext(1, 7, Progress.NONE));
  }

  @Test
  void damagedFilesAreRefused() throws IOException {
    RankModel model = fit(Registry.rank("lr"), Synthetic.batch(500, false, 3));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RankModelFile.write(out, model);
    byte[] bytes = out.toByteArray();
    byte[] flipped = bytes.clone();
    flipped[bytes.length - 10] ^= 1;
    assertThatThrownBy(() -> RankModelFile.read(new ByteArrayInputStream(flipped))).hasMessageContaining("checksum mismatch");
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 30);
    assertThatThrownBy(() -> RankModelFile.read(new ByteArrayInputStream(truncated))).isInstanceOf(IOException.class);
    byte[] magic = bytes.clone();
    magic[0] = 0;
    assertThatThrownBy(() -> RankModelFile.read(new ByteArrayInputStream(magic))).hasMessageContaining("not a Funnel ranking model file");
  }

  @Test
  void unknownNamesListTheValidOnes() {
    // names checked one by one (not the whole list), so a new model in the services file keeps this test valid
    assertThatThrownBy(() -> Registry.rank("gbdt")).hasMessageStartingWith("unknown ranking model 'gbdt'; valid ranking models: ")
        .hasMessageContaining("dcnv2, deepfm").hasMessageContaining("ffm, fm, lr").hasMessageEndingWith("widedeep");
  }
}
