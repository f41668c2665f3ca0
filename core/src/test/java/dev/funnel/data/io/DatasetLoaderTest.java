package dev.funnel.data.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.funnel.data.DataFormatException;
import dev.funnel.data.Dataset;
import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.split.ColdPolicy;
import dev.funnel.data.split.SplitSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoaderTest {
  @TempDir Path dir;

  static Path dataRoot() {
    return Path.of(System.getProperty("funnel.data.root", "../shared/data"));
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void csvWithTimestampsDefaultsToUserTemporal() throws IOException {
    StringBuilder sb = new StringBuilder("user,item,rating,timestamp\n");
    for (int u = 0; u < 5; u++) {
      for (int k = 0; k < 10; k++) {
        sb.append('u').append(u).append(",i").append((k + u) % 10).append(",1,").append(1_600_000_000 + k).append('\n');
      }
    }
    Path p = write("r.csv", sb.toString());
    LoadResult r = DatasetLoader.load("csv:" + p, LoadOptions.defaults());
    Dataset d = r.dataset();
    assertThat(d.split().spec()).isEqualTo("user-temporal:0.8");
    assertThat(d.train().nnz()).isEqualTo(40);
    assertThat(d.test().nnz()).isEqualTo(10);
    assertThat(d.train().numItems()).isEqualTo(d.test().numItems()).isEqualTo(10);
    assertThat(d.name()).isEqualTo("r.csv");
    assertThat(r.badLines().count()).isZero();
    assertThat(r.seconds()).isPositive();
  }

  @Test
  void noneSplitKeepsEveryEventIncludingTestOnlyUsersAndItems() throws IOException {
    // u2 and item 9 appear only in test.txt: a given split drops them as cold, 'none' keeps them.
    Path d = dir.resolve("lg");
    Files.createDirectories(d);
    Files.writeString(d.resolve("train.txt"), "0 1 2\n1 2 3\n");
    Files.writeString(d.resolve("test.txt"), "0 3\n1 1\n2 9\n");
    Dataset given = DatasetLoader.load("lightgcn:" + d, LoadOptions.defaults()).dataset();
    assertThat(given.train().nnz()).isEqualTo(4);
    assertThat(given.test().nnz()).isEqualTo(2);
    Dataset all = DatasetLoader.load("lightgcn:" + d, LoadOptions.defaults().withSplit(SplitSpec.parse("none"))).dataset();
    assertThat(all.train().nnz()).isEqualTo(7);
    assertThat(all.test().nnz()).isZero();
    assertThat(all.split().spec()).isEqualTo("none");
    assertThat(all.train().contains(2, 9)).isTrue();
  }

  @Test
  void headerCanBeForcedOffOrDetected() throws IOException {
    // Three non-numeric fields look like a header to detection; --no-header keeps the line as data.
    Path p = write("h.csv", "alice,book,view\nbob,pen,view\ncarol,book,view\n");
    Map<String, String> cols = Map.of("user", "0", "item", "1", "type", "2");
    LoadOptions o = LoadOptions.defaults().withColumns(cols).withSplit(SplitSpec.random(0.5));
    Dataset detected = DatasetLoader.load("csv:" + p, o).dataset();
    Dataset forced = DatasetLoader.load("csv:" + p, o.withHeader(false)).dataset();
    assertThat(detected.users().size()).isEqualTo(2);
    assertThat(detected.users().get("alice")).isEqualTo(-1);
    assertThat(forced.users().size()).isEqualTo(3);
    assertThat(forced.users().get("alice")).isGreaterThanOrEqualTo(0);
  }

  @Test
  void noTimestampsDefaultsToSeededRandom() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < 100; k++) {
      sb.append('u').append(k % 7).append('\t').append('i').append(k).append('\n');
    }
    Path p = write("e.tsv", sb.toString());
    Dataset a = DatasetLoader.load("csv:" + p, LoadOptions.defaults()).dataset();
    Dataset b = DatasetLoader.load("csv:" + p, LoadOptions.defaults()).dataset();
    Dataset c = DatasetLoader.load("csv:" + p, LoadOptions.defaults().withSeed(7)).dataset();
    assertThat(a.split().spec()).isEqualTo("random:0.8");
    assertThat(a.split().seed()).isEqualTo(42);
    assertThat(a.train().fingerprint()).isEqualTo(b.train().fingerprint()).isNotEqualTo(c.train().fingerprint());
  }

  @Test
  void testPathMakesAGivenSplitAndOptionsApply() throws IOException {
    Path train = write("train.csv", "who;what;score\nalice;x;1\nalice;x;2\nbob;y;3\n");
    Path test = write("test.csv", "who;what;score\nalice;y;1\ncarol;x;1\nbob;z;1\nalice;x;5\n");
    LoadOptions o = LoadOptions.defaults().withColumns(Map.of("user", "who", "item", "what", "value", "score")).withTestPath(test.toString())
        .withDuplicates(DuplicatePolicy.SUM).withColdItems(ColdPolicy.KEEP);
    Dataset d = DatasetLoader.load("csv:" + train, o).dataset();
    assertThat(d.split().spec()).isEqualTo("given");
    assertThat(d.split().trainPairEvents()).isEqualTo(1); // alice-x
    assertThat(d.split().coldUsers()).isEqualTo(1); // carol, dropped
    assertThat(d.split().coldItems()).isEqualTo(1); // z, kept
    assertThat(d.test().nnz()).isEqualTo(2);
    int alice = d.users().get("alice");
    int x = d.items().get("x");
    int cell = java.util.Arrays.binarySearch(d.train().userItems(), d.train().userPtr()[alice], d.train().userPtr()[alice + 1], x);
    assertThat(d.train().userValues()[cell]).isEqualTo(3f); // SUM of alice-x: 1 + 2
    assertThatThrownBy(() -> DatasetLoader.load("csv:" + train, o.withSplit(SplitSpec.random(0.5)))).hasMessageContaining("split must be 'given'");
  }

  @Test
  void jsonLinesByExtensionAndSkipBadLines() throws IOException {
    Path p = write("e.jsonl", "{\"user\":\"a\",\"item\":\"x\"}\n{\"user\":\"a\",\"item\":\"y\",\"value\":\"?\"}\n{\"user\":\"b\",\"item\":\"y\"}\n");
    assertThatThrownBy(() -> DatasetLoader.load("csv:" + p, LoadOptions.defaults())).isInstanceOf(DataFormatException.class)
        .hasMessage("e.jsonl:2: field 'value': not a number: '?'");
    LoadResult r = DatasetLoader.load("csv:" + p, LoadOptions.defaults().withSkipBadLines(true).withSplit(SplitSpec.random(0.5)));
    assertThat(r.badLines().count()).isEqualTo(1);
    assertThat(r.dataset().train().nnz() + r.dataset().test().nnz() + r.dataset().split().coldUserEvents()
        + r.dataset().split().coldItemEvents()).isEqualTo(2);
  }

  @Test
  void lightGcnDirectoryAndResplit() throws IOException {
    write("lg/train.txt", "0 0 1 2\n1 1 2\n2 0 2\n");
    write("lg/test.txt", "0 3\n1 0\n2 1\n");
    Dataset d = DatasetLoader.load("lightgcn:" + dir.resolve("lg"), LoadOptions.defaults()).dataset();
    assertThat(d.split().spec()).isEqualTo("given");
    assertThat(d.train().nnz()).isEqualTo(7);
    assertThat(d.test().nnz()).isEqualTo(2); // item 3 is cold and dropped
    assertThat(d.split().coldItems()).isEqualTo(1);
    assertThat(d.numItems()).isEqualTo(4);
    Dataset r = DatasetLoader.load("lightgcn:" + dir.resolve("lg"), LoadOptions.defaults().withSplit(SplitSpec.leaveLastOut())
        .withColdItems(ColdPolicy.KEEP)).dataset();
    assertThat(r.split().spec()).isEqualTo("leave-last-out");
    assertThat(r.test().nnz()).isEqualTo(3);
  }

  @Test
  void badSpecs() {
    assertThatThrownBy(() -> DatasetLoader.load("nope", LoadOptions.defaults())).hasMessageContaining("format:path");
    assertThatThrownBy(() -> DatasetLoader.load("parquet:" + dir, LoadOptions.defaults())).hasMessageContaining("unknown dataset format 'parquet'");
    assertThatThrownBy(() -> DatasetLoader.load("csv:" + dir.resolve("missing.csv"), LoadOptions.defaults())).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> LoadOptions.defaults().withColumns(Map.of("usr", "0"))).hasMessageContaining("unknown column key 'usr'");
  }

  @Test
  void gowallaCounts() {
    Path g = dataRoot().resolve("gowalla");
    assumeTrue(Files.isRegularFile(g.resolve("train.txt")), "gowalla data not present at " + g);
    LoadResult r = DatasetLoader.load("lightgcn:" + g, LoadOptions.defaults());
    Dataset d = r.dataset();
    System.out.printf("gowalla loaded in %.3f s%n", r.seconds());
    assertThat(d.numUsers()).isEqualTo(29_858);
    assertThat(d.numItems()).isEqualTo(40_981);
    assertThat(d.train().nnz()).isEqualTo(810_128);
    assertThat(d.test().nnz()).isEqualTo(217_242);
    assertThat(d.split().trainPairEvents()).isZero();
  }

  @Test
  void movieLens100kWithGenres() {
    Path m = dataRoot().resolve("ml-100k");
    assumeTrue(Files.isRegularFile(m.resolve("u.data")), "ml-100k not present at " + m);
    Dataset d = DatasetLoader.load("movielens:" + m, LoadOptions.defaults().withSplit(SplitSpec.leaveLastOut())).dataset();
    assertThat(d.numUsers()).isEqualTo(943);
    assertThat(d.numItems()).isEqualTo(1682);
    assertThat(d.eventTypes().external(0)).isEqualTo("rating");
    assertThat(d.train().nnz() + d.test().nnz() + d.split().trainPairEvents() + d.split().coldItemEvents()).isEqualTo(100_000);
    assertThat(d.itemFeatures().field("genre").valueNamesOf(d.items().get("1"))).containsExactlyInAnyOrder("Animation", "Children's", "Comedy");
  }
}
