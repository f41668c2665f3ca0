package dev.funnel.rank.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.rank.SampleBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSampleReaderTest {
  @TempDir Path dir;

  private static final FeatureSchema SCHEMA = FeatureSchema.parse(null,
      "label clicked\nweight w\ngroup user\nfield user categorical\nfield price numeric\nfield tags multi\n");

  private Path file(String text) throws IOException {
    Path p = dir.resolve("samples.csv");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void readsHeaderLabelWeightGroupAndQuotedCells() throws IOException {
    Path p = file("user,tags,price,clicked,w\r\nu1,\"a|b\",2.5,1,1\r\n\nu2,\"say \"\"hi\"\"\",,0,0.25\r\nu1,,1,-1,2\r\n");
    SampleTable t = CsvSampleReader.read(p, SCHEMA, new BadLines.Recorder(false));
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.labels()).containsExactly(1, 0, 0);
    assertThat(t.weights()).containsExactly(1, 0.25f, 2);
    assertThat(t.groups()).containsExactly(0, 1, 0);
    SampleBatch b = FeatureEncoder.fit(t).encode(t);
    assertThat(b.size()).isEqualTo(3);
    assertThat(t.column(2).strings).contains("say \"hi\"");
  }

  @Test
  void badLineNamesFileLineFieldAndValue() throws IOException {
    Path p = file("user,price,tags,clicked,w\nu1,1,a,1,1\nu2,cheap,a,0,1\n");
    assertThatThrownBy(() -> CsvSampleReader.read(p, SCHEMA, new BadLines.Recorder(false))).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("samples.csv:3").hasMessageContaining("field 'price'").hasMessageContaining("'cheap'");
    Path q = file("user,price,tags,clicked,w\nu1,1,a,yes,1\n");
    assertThatThrownBy(() -> CsvSampleReader.read(q, SCHEMA, new BadLines.Recorder(false))).hasMessageContaining("samples.csv:2")
        .hasMessageContaining("field 'clicked'").hasMessageContaining("'yes'");
    Path r = file("user,price,tags,clicked,w\nu1,1,a,1,-3\n");
    assertThatThrownBy(() -> CsvSampleReader.read(r, SCHEMA, new BadLines.Recorder(false))).hasMessageContaining("field 'w'")
        .hasMessageContaining("'-3'");
    Path s = file("user,price,tags,clicked,w\nu1,1,a:x,1,1\n");
    assertThatThrownBy(() -> CsvSampleReader.read(s, SCHEMA, new BadLines.Recorder(false))).hasMessageContaining("field 'tags'")
        .hasMessageContaining("'a:x'");
    Path missing = file("user,price,clicked,w\nu1,1,1,1\n");
    assertThatThrownBy(() -> CsvSampleReader.read(missing, SCHEMA, new BadLines.Recorder(false))).hasMessageContaining("samples.csv:1")
        .hasMessageContaining("field 'tags'").hasMessageContaining("column not in the header");
  }

  @Test
  void skippingKeepsEveryGoodLineAndBadLinesLeaveNoTrace() throws IOException {
    Path p = file("user,price,tags,clicked,w\nu1,1,a,1,1\nGHOST,cheap,ghost-tag,0,1\nu2,2,b,0,1\nu3,3\nu1,4,a|b,1,1\n");
    BadLines.Recorder bad = new BadLines.Recorder(true);
    SampleTable t = CsvSampleReader.read(p, SCHEMA, bad);
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.labels()).containsExactly(1, 0, 1);
    assertThat(bad.result().count()).isEqualTo(2);
    assertThat(bad.result().examples().get(0)).contains("samples.csv:3").contains("'cheap'");
    assertThat(bad.result().examples().get(1)).contains("samples.csv:5").contains("wrong column count");
    // the bad line's strings never reached the table or the vocabulary
    assertThat(t.column(0).strings).containsExactly("u1", "u2");
    assertThat(t.column(2).strings).doesNotContain("ghost-tag");
    FeatureEncoder enc = FeatureEncoder.fit(t);
    assertThat(enc.vocabulary("user")).containsExactly("u1", "u2");
  }

  @Test
  void emptyFileIsAnError() throws IOException {
    Path p = file("user,price,tags,clicked,w\n");
    assertThatThrownBy(() -> CsvSampleReader.read(p, SCHEMA, new BadLines.Recorder(false))).hasMessageContaining("no data lines");
  }
}
