package dev.funnel.data.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.EventTable;
import dev.funnel.data.ItemFeatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON lines, LightGCN, sequence, MovieLens and item-feature readers on small files. */
class FormatReadersTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static BadLines.Recorder strict() {
    return new BadLines.Recorder(false);
  }

  @Test
  void jsonLines() throws IOException {
    Path p = write("e.jsonl", "{\"user\":\"u1\",\"item\":42,\"timestamp\":\"2024-01-31T10:00:00Z\",\"type\":\"click\",\"extra\":{\"a\":[1,2]}}\r\n"
        + "\n{ \"userId\" : \"u\\\"2\", \"itemId\": \"x\", \"rating\": 2.5, \"ts\": 1706695200 }\n");
    EventTable t = new EventTable();
    JsonLinesReader.read(p, t, Map.of(), EventTable.DEFAULT_TYPE, strict());
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.items().external(t.item(0))).isEqualTo("42");
    assertThat(t.types().external(t.type(0))).isEqualTo("click");
    assertThat(t.timestamp(0)).isEqualTo(1_706_695_200_000L);
    assertThat(t.users().external(t.user(1))).isEqualTo("u\"2");
    assertThat(t.value(1)).isEqualTo(2.5f);
    assertThat(t.timestamp(1)).isEqualTo(1_706_695_200_000L);
    assertThat(t.types().external(t.type(1))).isEqualTo(EventTable.DEFAULT_TYPE);
  }

  @Test
  void jsonLinesErrors() throws IOException {
    Path p = write("e.jsonl", "{\"u\":\"a\",\"i\":\"b\",\"t\":\"abc\"}\n");
    assertThatThrownBy(() -> JsonLinesReader.read(p, new EventTable(), Map.of("user", "u", "item", "i", "timestamp", "t"), "x", strict()))
        .hasMessage("e.jsonl:1: field 'timestamp': not a number or ISO-8601 time: 'abc'");
    Path q = write("m.jsonl", "{\"user\":\"a\",\"item\":\"b\"}\n{\"user\":\"a\" \"item\":\"c\"}\n{\"user\":\"a\"}\n");
    BadLines.Recorder rec = new BadLines.Recorder(true);
    EventTable t = new EventTable();
    JsonLinesReader.read(q, t, Map.of(), "x", rec);
    assertThat(t.size()).isEqualTo(1);
    assertThat(rec.result().count()).isEqualTo(2);
    assertThat(rec.result().examples().get(0)).startsWith("m.jsonl:2: malformed JSON: expected ',' or '}'");
    assertThat(rec.result().examples().get(1)).isEqualTo("m.jsonl:3: field 'item': missing key 'item'");
    Path e = write("empty.jsonl", "\n\n");
    assertThatThrownBy(() -> JsonLinesReader.read(e, new EventTable(), Map.of(), "x", strict())).hasMessageContaining("empty file");
  }

  @Test
  void lightGcnLines() throws IOException {
    Path p = write("train.txt", "0 5 6 7\n1 6\r\n2\n3 5 x 9\n");
    EventTable t = new EventTable();
    BadLines.Recorder rec = new BadLines.Recorder(true);
    LightGcnReader.read(p, t, rec);
    assertThat(t.size()).isEqualTo(4);
    assertThat(t.users().size()).isEqualTo(3); // "2" has no items but exists; "3"'s bad line added nothing
    assertThat(t.items().size()).isEqualTo(8); // ids 0..7 registered: dense id = file id, as in the reference code
    assertThat(t.items().get("6")).isEqualTo(6);
    assertThat(t.item(3)).isEqualTo(6);
    assertThat(t.timestamp(0)).isZero();
    assertThat(t.value(3)).isEqualTo(1f);
    assertThat(rec.result().examples()).containsExactly("train.txt:4: field 'item': not a non-negative integer id: 'x'");
    assertThatThrownBy(() -> LightGcnReader.read(p, new EventTable(), strict())).isInstanceOf(DataFormatException.class);
  }

  @Test
  void lightGcnSparseIdsKeepFirstAppearanceOrder() throws IOException {
    Path p = write("sparse.txt", "7 900000 5\n");
    EventTable t = new EventTable();
    LightGcnReader.read(p, t, strict());
    assertThat(t.users().size()).isEqualTo(8);
    assertThat(t.items().size()).isEqualTo(2);
    assertThat(t.items().get("900000")).isZero();
  }

  @Test
  void sequenceLineOrderIsTime() throws IOException {
    Path p = write("seq.txt", "a x\nb y\n\na y\nbad\n");
    EventTable t = new EventTable();
    BadLines.Recorder rec = new BadLines.Recorder(true);
    SequenceReader.read(p, t, rec);
    assertThat(t.size()).isEqualTo(3);
    assertThat(new long[] {t.timestamp(0), t.timestamp(1), t.timestamp(2)}).containsExactly(1, 2, 4);
    assertThat(rec.result().examples()).containsExactly("seq.txt:5: wrong column count: expected 2 fields (user item), found 1: 'bad'");
  }

  @Test
  void movieLensLayoutsByName() throws IOException {
    Path udata = write("ml100/u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n");
    Path dat = write("ml1m/ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n");
    Path csv = write("ml25/ratings.csv", "userId,movieId,rating,timestamp\n1,296,5.0,1147880044\n");
    for (Path p : List.of(udata.getParent(), dat.getParent(), csv.getParent(), udata)) {
      EventTable t = new EventTable();
      MovieLensReader.read(p, t, strict());
      assertThat(t.size()).isGreaterThan(0);
      assertThat(t.types().external(t.type(0))).isEqualTo("rating");
      assertThat(t.timestamp(0)).isGreaterThan(800_000_000_000L);
    }
    EventTable t = new EventTable();
    MovieLensReader.read(dat.getParent(), t, strict());
    assertThat(t.value(0)).isEqualTo(5f);
    assertThat(t.timestamp(1)).isEqualTo(978_302_109_000L);
    assertThat(t.items().external(t.item(1))).isEqualTo("661");
    Path bad = write("mlbad/u.data", "196\t242\t3\t881250949\n186\t302\tthree\t891717742\n");
    assertThatThrownBy(() -> MovieLensReader.read(bad.getParent(), new EventTable(), strict()))
        .hasMessage("u.data:2: field 'value': not a number: 'three'");
    assertThatThrownBy(() -> MovieLensReader.read(dir, new EventTable(), strict())).hasMessageContaining("no MovieLens ratings file");
  }

  @Test
  void itemFeaturesCsvMultiValuedWithUnknownItems() throws IOException {
    EventTable t = new EventTable();
    t.add("u", "i1", 0, "t", 1);
    t.add("u", "i2", 0, "t", 1);
    t.add("u", "i3", 0, "t", 1);
    Path p = write("items.csv", "item,category,tags\ni1,Books,a|b|a\ni2,,\nghost,Toys,x\ni1,Books|Paper,\nbroken\n");
    BadLines.Recorder rec = new BadLines.Recorder(true);
    ItemFeatures f = ItemFeaturesReader.readCsv(p, t.items(), rec);
    assertThat(f.names()).containsExactly("category", "tags");
    assertThat(f.numItems()).isEqualTo(3);
    assertThat(f.unknownItems()).isEqualTo(1);
    assertThat(t.items().size()).isEqualTo(3); // unknown items are not added
    assertThat(f.field("category").valueNamesOf(0)).containsExactly("Books", "Paper");
    assertThat(f.field("tags").valueNamesOf(0)).containsExactly("a", "b");
    assertThat(f.field("tags").valuesOf(1)).isEmpty();
    assertThat(f.field("category").valuesOf(2)).isEmpty();
    assertThat(rec.result().examples()).containsExactly("items.csv:6: wrong column count: expected 3 fields, found 1: 'broken'");
  }

  @Test
  void movieLensGenresLatin1() throws IOException {
    EventTable t = new EventTable();
    t.add("1", "1", 0, "t", 1);
    t.add("1", "2", 0, "t", 1);
    String flags1 = "|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0";
    String flags2 = "|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0";
    Path p = dir.resolve("u.item");
    Files.write(p, ("1|Toy Story (1995)|01-Jan-1995||http://x" + flags1 + "\n2|Caf\u00e9 (1995)|01-Jan-1995||http://y" + flags2 + "\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    ItemFeatures f = ItemFeaturesReader.readMovieLensGenres(p, t.items(), strict());
    assertThat(f.field("genre").valueNamesOf(t.items().get("1"))).containsExactlyInAnyOrder("Animation", "Children's", "Comedy");
    assertThat(f.field("genre").valueNamesOf(t.items().get("2"))).containsExactlyInAnyOrder("Action", "Adventure", "Thriller");
  }
}
