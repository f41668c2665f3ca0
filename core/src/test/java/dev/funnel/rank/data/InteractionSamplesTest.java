package dev.funnel.rank.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.EventTable;
import dev.funnel.data.IdMap;
import dev.funnel.data.ItemFeatures;
import dev.funnel.data.io.MovieLensUsersReader;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.SampleBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteractionSamplesTest {

  /** Two users, items a..d; ten events at times 1..10 (u1 rates b and c in the same second). */
  private static EventTable events() {
    EventTable t = new EventTable();
    t.add("u1", "a", 1, "rating", 5);
    t.add("u2", "a", 2, "rating", 2);
    t.add("u1", "b", 3, "rating", 4);
    t.add("u1", "c", 3, "rating", 3);
    t.add("u2", "b", 4, "rating", 5);
    t.add("u1", "d", 5, "rating", 1);
    t.add("u2", "c", 6, "rating", 4);
    t.add("u2", "d", 7, "rating", 4);
    t.add("u1", "a", 8, "rating", 5);
    t.add("u2", "a", 9, "rating", 1);
    return t;
  }

  private static ItemFeatures genres(IdMap items) {
    ItemFeatures.FieldBuilder g = new ItemFeatures.FieldBuilder("genre");
    g.add(items.get("a"), "x");
    g.add(items.get("a"), "y");
    g.add(items.get("b"), "y");
    // c and d have none
    return new ItemFeatures(List.of(g.build(items.size())), items.size(), 0);
  }

  /** Row r's features in field {@code name}, as offsets within the field. */
  private static int[] field(SampleBatch b, int r, String name) {
    FieldMap f = b.fields();
    int field = f.field(name);
    return Arrays.stream(b.features(), b.rowPtr()[r], b.rowPtr()[r + 1]).filter(x -> f.fieldOf(x) == field)
        .map(x -> x - f.start(field)).toArray();
  }

  @Test
  void historiesHoldOnlyStrictlyEarlierItemsMostRecentFirstAndCapped() {
    EventTable ev = events();
    SampleSplit s = InteractionSamples.build(ev, genres(ev.items()), null, new SampleConfig(4, 2, 0.2, 0.2, false, false));
    // cuts at the time-ordered positions floor(10*0.6)=6 (time 6) and floor(10*0.8)=8 (time 8)
    assertThat(s.validationFrom()).isEqualTo(6);
    assertThat(s.testFrom()).isEqualTo(8);
    SampleBatch train = s.train();
    assertThat(train.size()).isEqualTo(6);
    assertThat(s.validation().size()).isEqualTo(2);
    assertThat(s.test().size()).isEqualTo(2);
    int a = ev.items().get("a"), b = ev.items().get("b"), c = ev.items().get("c"), d = ev.items().get("d");
    // train rows in time order: u1 a@1, u2 a@2, u1 b@3, u1 c@3, u2 b@4, u1 d@5
    assertThat(field(train, 0, "history")).isEmpty();
    assertThat(field(train, 2, "history")).containsExactly(a);
    assertThat(field(train, 3, "history")).containsExactly(a); // b has the same second: not earlier
    assertThat(field(train, 4, "history")).containsExactly(a);
    assertThat(field(train, 5, "history")).containsExactly(c, b); // capped at 2, most recent first (b, c tie: read order)
    // validation: u2 c@6, u2 d@7; test: u1 a@8, u2 a@9, whose histories reach into train and validation
    assertThat(field(s.validation(), 1, "history")).containsExactly(c, b);
    assertThat(field(s.test(), 0, "history")).containsExactly(d, c);
    assertThat(field(s.test(), 1, "history")).containsExactly(d, c);
    assertThat(train.labels()).containsExactly(1, 0, 1, 0, 1, 0);
    assertThat(s.test().labels()).containsExactly(1, 0);
    int u1 = ev.users().get("u1");
    assertThat(train.groups()[0]).isEqualTo(u1);
    assertThat(field(train, 0, "user")).containsExactly(u1);
    assertThat(field(train, 0, "item")).containsExactly(a);
    // genre: values x=0, y=1, missing=2; a has both, c none
    assertThat(field(train, 0, "genre")).containsExactly(0, 1);
    assertThat(field(train, 3, "genre")).containsExactly(2);
    assertThat(train.fields().end(train.fields().field("history")) - train.fields().start(train.fields().field("history")))
        .isEqualTo(ev.items().size());
  }

  @Test
  void positivesOnlyHistoriesSkipEarlierNegatives() {
    EventTable ev = events();
    SampleSplit s = InteractionSamples.build(ev, null, null, new SampleConfig(4, 2, 0.2, 0.2, false, true));
    int a = ev.items().get("a"), b = ev.items().get("b");
    // u1 a@8: earlier a@1 (5), b@3 (4), c@3 (3), d@5 (1): the two most recent positives are b, a
    assertThat(field(s.test(), 0, "history")).containsExactly(b, a);
    assertThat(field(s.train(), 1, "history")).isEmpty(); // u2 a@2: nothing earlier
    assertThat(field(s.train(), 4, "history")).isEmpty(); // u2 b@4: only a@2, rated 2
  }

  @Test
  void withoutHistoryAndExpandedEveryFieldHasExactlyOneFeature() {
    EventTable ev = events();
    SampleSplit s = InteractionSamples.build(ev, genres(ev.items()), null, new SampleConfig(4, 0, 0.2, 0.2, true, false));
    FieldMap f = s.train().fields();
    assertThat(f.toString()).isEqualTo("user:0-1,item:2-5,genre=x:6-7,genre=y:8-9");
    SampleBatch t = s.train();
    for (int r = 0; r < t.size(); r++) {
      assertThat(t.rowPtr()[r + 1] - t.rowPtr()[r]).isEqualTo(f.numFields());
    }
    assertThat(field(t, 0, "genre=x")).containsExactly(1); // a: x present
    assertThat(field(t, 2, "genre=x")).containsExactly(0); // b: x absent
    assertThat(field(t, 2, "genre=y")).containsExactly(1);
    // same rows and labels as with a history: the split does not depend on the fields
    SampleSplit withHistory = InteractionSamples.build(ev, genres(ev.items()), null, new SampleConfig(4, 5, 0.2, 0.2, false, false));
    assertThat(withHistory.train().labels()).containsExactly(t.labels());
    assertThat(withHistory.test().groups()).containsExactly(s.test().groups());
  }

  @Test
  void movieLensUserFeaturesAreBucketedAndBadLinesNamed(@TempDir Path dir) throws IOException {
    IdMap users = new IdMap();
    users.getOrAdd("1");
    users.getOrAdd("2");
    Path file = dir.resolve("u.user");
    Files.writeString(file, "1|24|M|technician|85711\n2|53|F|other|T8H1N\n9|30|M|writer|12345\n");
    ItemFeatures f = MovieLensUsersReader.read(file, users, new BadLines.Recorder(false));
    assertThat(f.field("age").valueNamesOf(0)).containsExactly("18");
    assertThat(f.field("age").valueNamesOf(1)).containsExactly("50");
    assertThat(f.field("zip").valueNamesOf(1)).containsExactly("T");
    assertThat(f.field("occupation").valueNamesOf(0)).containsExactly("technician");
    assertThat(f.unknownItems()).isEqualTo(1);
    assertThat(MovieLensUsersReader.ageBucket(17)).isEqualTo("1");
    assertThat(MovieLensUsersReader.ageBucket(56)).isEqualTo("56");

    Files.writeString(file, "1|24|M|technician|85711\n2|old|F|other|T8H1N\n");
    assertThatThrownBy(() -> MovieLensUsersReader.read(file, users, new BadLines.Recorder(false)))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("u.user:2").hasMessageContaining("age").hasMessageContaining("old");
  }

  @Test
  void configNamesTheBadField() {
    assertThatThrownBy(() -> new SampleConfig(4, -1, 0.1, 0.1, false, false)).hasMessageContaining("historyLength=-1");
    assertThatThrownBy(() -> new SampleConfig(4, 5, 0.5, 0.5, false, false)).hasMessageContaining("validationFraction + testFraction");
  }

  @Test
  void movieLens100kBuildsWhenTheDataIsThere() {
    Path dir = Path.of("/work/shared/data/ml-100k");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "ml-100k not present");
    SampleSplit s = InteractionSamples.movieLens100k(dir, SampleConfig.defaults());
    int total = s.train().size() + s.validation().size() + s.test().size();
    assertThat(total).isEqualTo(100_000);
    List<String> names = new ArrayList<>();
    for (int f = 0; f < s.train().fields().numFields(); f++) {
      names.add(s.train().fields().name(f));
    }
    assertThat(names).containsExactly("user", "item", "genre", "age", "gender", "occupation", "zip", "history");
    System.out.printf("ml-100k samples: train %d, validation %d, test %d; positives in test %.3f%n", s.train().size(),
        s.validation().size(), s.test().size(), mean(s.test().labels()));
  }

  private static double mean(float[] a) {
    double s = 0;
    for (float x : a) {
      s += x;
    }
    return s / a.length;
  }
}
