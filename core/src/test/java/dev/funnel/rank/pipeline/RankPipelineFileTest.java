package dev.funnel.rank.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.config.Params;
import dev.funnel.data.BadLines;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.RankModelFile;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.schema.CsvSampleReader;
import dev.funnel.rank.schema.FeatureEncoder;
import dev.funnel.rank.schema.FeatureSchema;
import dev.funnel.rank.schema.SampleTable;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RankPipelineFileTest {
  @TempDir Path dir;

  @Test
  void savedPipelineScoresRawRowsExactlyAsBefore() throws IOException {
    FeatureSchema schema = FeatureSchema.parse(null,
        "label y\nfield user categorical\nfield tags multi pooling=mean\nfield price numeric transform=bucketize quantiles=3\n");
    StringBuilder csv = new StringBuilder("user,tags,price,y\n");
    for (int r = 0; r < 300; r++) {
      csv.append('u').append(r % 7).append(',').append(r % 3 == 0 ? "a|b" : "c").append(',').append(r % 11).append(',')
          .append((r % 7 < 3) == (r % 11 < 6) ? 1 : 0).append('\n');
    }
    Path file = dir.resolve("train.csv");
    Files.writeString(file, csv);
    SampleTable table = CsvSampleReader.read(file, schema, new BadLines.Recorder(false));
    FeatureEncoder encoder = FeatureEncoder.fit(table);
    SampleBatch batch = encoder.encode(table);
    RankAlgorithm<?> fm = Registry.rank("fm");
    RankModel model = fit(fm, batch);
    RankPipeline pipeline = new RankPipeline(encoder, 0.25, model);
    Path saved = dir.resolve("m.fnlp");
    RankPipelineFile.write(saved, pipeline);
    RankPipeline back = RankPipelineFile.read(saved);
    assertThat(back.negativeRate()).isEqualTo(0.25);
    assertThat(back.encoder().fields()).isEqualTo(encoder.fields());
    // serving: a fresh table of raw rows (no label column) scores exactly as the in-memory pipeline
    SampleTable.Builder rows = new SampleTable.Builder(schema, List.of("price", "user", "tags"), false, "request");
    rows.add(new String[] {"4", "u1", "a|b"}, "request", 1);
    rows.add(new String[] {"9", "nobody", ""}, "request", 2);
    SampleTable served = rows.build();
    assertThat(back.score(served)).containsExactly(pipeline.score(served));
    assertThat(pipeline.score(batch)[0]).isLessThan(model.score(batch)[0]); // the correction lowers every score

    // a bare model file reads as a pipeline without encoder
    Path bare = dir.resolve("m.fnlr");
    RankModelFile.write(bare, model);
    RankPipeline plain = RankPipelineFile.read(bare);
    assertThat(plain.encoder()).isNull();
    assertThat(plain.score(batch)).containsExactly(model.score(batch));

    // a damaged byte is caught by the checksum
    byte[] bytes = Files.readAllBytes(saved);
    bytes[bytes.length / 2] ^= 1;
    Path damaged = dir.resolve("damaged.fnlp");
    Files.write(damaged, bytes);
    assertThatThrownBy(() -> RankPipelineFile.read(damaged)).isInstanceOf(IOException.class).hasMessageContaining("damaged.fnlp");
    Files.writeString(dir.resolve("junk"), "hello world");
    assertThatThrownBy(() -> RankPipelineFile.read(dir.resolve("junk"))).hasMessageContaining("not a Funnel ranking model");
  }

  private static <C extends Record> RankModel fit(RankAlgorithm<C> algorithm, SampleBatch train) {
    C config = Params.bind(algorithm.defaultConfig(), Map.of("epochs", "2", "patience", "0"));
    return algorithm.fit(config, train, null, new TrainContext(1, 7, Progress.NONE));
  }
}
