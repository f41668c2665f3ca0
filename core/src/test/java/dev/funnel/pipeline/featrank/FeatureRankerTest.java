package dev.funnel.pipeline.featrank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.Fixtures;
import dev.funnel.pipeline.MapResources;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.SceneException;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.RankModelFile;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.pipeline.RankPipeline;
import dev.funnel.rank.pipeline.RankPipelineFile;
import dev.funnel.rank.schema.FeatureEncoder;
import dev.funnel.rank.schema.FeatureSchema;
import dev.funnel.rank.schema.SampleTable;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.store.Event;
import dev.funnel.store.catalog.ItemRecord;
import dev.funnel.store.catalog.UserRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureRankerTest {
  static final long T = Fixtures.NOW - 10_000_000L; // 2023-11-14T19:46:40Z: hour 19, Tuesday (2)
  static final String SCHEMA = """
      label label
      group user
      field user categorical
      field item categorical
      field genre multi column=categories
      field price numeric column=item.price
      field age categorical column=user.age
      field hour categorical column=context.hour
      field history sequence vocabulary=item max_length=2
      """;

  @TempDir
  Path dir;

  /** alice consumed i0, i1, i2 (one hour apart); bob consumed i4. */
  static Interactions train(IdMap users, IdMap items) {
    users.getOrAdd("alice");
    users.getOrAdd("bob");
    for (int i = 0; i < 8; i++) {
      items.getOrAdd("i" + i);
    }
    return new Interactions(2, 8, new int[] {0, 3, 4}, new int[] {0, 1, 2, 4}, new float[4],
        new long[] {T - 7_200_000L, T - 3_600_000L, T, T - 3_600_000L});
  }

  /** Resources that count profile look-ups (the user side of a request). */
  static final class Counting implements PipelineResources {
    final MapResources inner = Fixtures.world();
    int userCalls;

    @Override
    public Collection<String> models() {
      return inner.models();
    }

    @Override
    public OnlineRecommender model(String name) {
      return inner.model(name);
    }

    @Override
    public ItemRecord item(String id) {
      return inner.item(id);
    }

    @Override
    public boolean recommendable(String item) {
      return true;
    }

    @Override
    public UserRecord user(String id) {
      userCalls++;
      return id.equals("alice") ? new UserRecord("alice", Map.of("age", 33L)) : null;
    }
  }

  static List<String[]> rows(FeatureColumns columns, Counting r, IdMap users, IdMap items, Interactions train) throws Exception {
    List<String[]> out = new ArrayList<>();
    FeatureSamples.build(train, users, items, r.inner.catalog, u -> r.user(u) == null ? null : r.user(u).attributes(), columns, 0, false, 0, 1,
        (v, cells) -> out.add(cells));
    return out;
  }

  static RankPipeline fit(FeatureColumns columns, List<String[]> rows) {
    SampleTable.Builder b = new SampleTable.Builder(columns.schema(), columns.header(), true, "rows");
    for (String[] row : rows) {
      b.add(row, "rows", 0);
    }
    SampleTable table = b.build();
    FeatureEncoder encoder = FeatureEncoder.fit(table);
    SampleBatch batch = encoder.encode(table);
    @SuppressWarnings("unchecked")
    RankAlgorithm<Record> lr = (RankAlgorithm<Record>) Registry.rank("lr");
    RankModel model = lr.fit(lr.defaultConfig(), batch, null, new TrainContext(1, 3, TrainContext.defaults().progress()));
    return new RankPipeline(encoder, 1, model);
  }

  /** The online state as it was at T: alice's two earlier events, in order. */
  static OnlineRecommender history(Counting r) {
    OnlineRecommender online = r.inner.model("itemcf");
    online.observe(Event.of("alice", "i0", "click", T - 7_200_000L));
    online.observe(Event.of("alice", "i1", "click", T - 3_600_000L));
    return online;
  }

  @Test
  void servingRowEqualsTrainingRowForTheSameUserItemAndHistory() throws Exception {
    Counting r = new Counting();
    IdMap users = new IdMap();
    IdMap items = new IdMap();
    Interactions train = train(users, items);
    FeatureColumns columns = new FeatureColumns(FeatureSchema.parse("s", SCHEMA));
    List<String[]> rows = rows(columns, r, users, items, train);
    assertThat(columns.header()).containsExactly("label", "user", "item", "categories", "item.price", "user.age", "context.hour", "history");
    // hand-checked: alice's third event (i2 at T): books, price 30, age 33, hour 19, the two earlier items oldest first
    String[] trained = rows.get(2);
    assertThat(trained).containsExactly("1", "alice", "i2", "books", "30", "33", "19", "i0|i1");
    assertThat(rows.get(0)).containsExactly("1", "alice", "i0", "books", "10", "33", "17", "");
    assertThat(rows.get(3)).containsExactly("1", "bob", "i4", "music", "50", "", "18", "");

    RankPipeline pipeline = fit(columns, rows);
    FeatureRanker ranker = new FeatureRanker(pipeline, r, history(r), "test");
    PipelineRequest request = new PipelineRequest("alice", null, 10, 0, List.of(), null, false, T);
    String[] served = ranker.userCells(request);
    columns.itemCells(served, "i2", r.item("i2"));
    served[0] = "1";
    assertThat(served).containsExactly(trained);

    // and the same encoded features (the encoder is the served one)
    assertThat(encode(pipeline, columns, served)).isEqualTo(encode(pipeline, columns, trained));
    List<Candidate> cs = List.of(new Candidate("i2"));
    ranker.score(request, cs);
    assertThat(cs.get(0).score()).isEqualTo(pipeline.score(table(columns, trained))[0]);
  }

  static SampleTable table(FeatureColumns columns, String[]... rows) {
    SampleTable.Builder b = new SampleTable.Builder(columns.schema(), columns.header(), true, "t");
    for (String[] row : rows) {
      b.add(row, "t", 0);
    }
    return b.build();
  }

  static String encode(RankPipeline p, FeatureColumns columns, String[] row) {
    SampleBatch b = p.encoder().encode(table(columns, row));
    return Arrays.toString(Arrays.copyOfRange(b.features(), b.rowPtr()[0], b.rowPtr()[1]));
  }

  @Test
  void userSideIsBuiltOncePerRequestAndAllCandidatesScoredInOneBatch() throws Exception {
    Counting r = new Counting();
    IdMap users = new IdMap();
    IdMap items = new IdMap();
    Interactions train = train(users, items);
    FeatureColumns columns = new FeatureColumns(FeatureSchema.parse("s", SCHEMA));
    RankPipeline pipeline = fit(columns, rows(columns, r, users, items, train));
    FeatureRanker ranker = new FeatureRanker(pipeline, r, history(r), "test");
    List<Candidate> cs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      cs.add(new Candidate("i" + i));
    }
    r.userCalls = 0;
    ranker.score(new PipelineRequest("alice", null, 10, 0, List.of(), null, false, T), cs);
    assertThat(r.userCalls).isEqualTo(1);
    for (Candidate c : cs) {
      assertThat(c.score()).isBetween(0f, 1f);
    }
    ranker.score(new PipelineRequest("alice", null, 10, 0, List.of(), null, false, T), cs);
    assertThat(r.userCalls).isEqualTo(2);
  }

  @Test
  void unknownUsersItemsAndAttributesFallIntoTheOutOfVocabularyBucket() throws Exception {
    Counting r = new Counting();
    IdMap users = new IdMap();
    IdMap items = new IdMap();
    Interactions train = train(users, items);
    FeatureColumns columns = new FeatureColumns(FeatureSchema.parse("s", SCHEMA));
    RankPipeline pipeline = fit(columns, rows(columns, r, users, items, train));
    FeatureRanker ranker = new FeatureRanker(pipeline, r, history(r), "test");
    List<Candidate> cs = List.of(new Candidate("nope"), new Candidate("gone"), new Candidate("i2"));
    ranker.score(new PipelineRequest("stranger", null, 10, 0, List.of(), null, false, T), cs);
    // two items neither the vocabulary nor the catalogue knows get the same (OOV) features, hence the same score
    assertThat(cs.get(0).score()).isEqualTo(cs.get(1).score());
    assertThat(cs.get(0).score()).isBetween(0f, 1f);
    String[] row = ranker.userCells(new PipelineRequest("stranger", null, 10, 0, List.of(), null, false, T));
    columns.itemCells(row, "nope", null);
    SampleBatch b = pipeline.encoder().encode(table(columns, row));
    int userStart = pipeline.encoder().fields().start(pipeline.encoder().fields().field("user"));
    assertThat(b.features()[b.rowPtr()[0]]).isEqualTo(userStart); // code 0: out of vocabulary
    // a text price on a numeric field is a missing value, not an error
    String[] odd = ranker.userCells(new PipelineRequest("alice", null, 10, 0, List.of(), null, false, T));
    columns.itemCells(odd, "i9", new ItemRecord("i9", List.of(), List.of(), Map.of("price", "cheap"), true, null, null));
    assertThat(odd[4]).isEmpty();
    assertThat(pipeline.score(table(columns, odd))[0]).isBetween(0f, 1f);
    // an anonymous request scores too
    ranker.score(new PipelineRequest(null, "i1", 10, 0, List.of(), null, false, T), cs);
    assertThat(cs.get(2).score()).isBetween(0f, 1f);
  }

  @Test
  void badConfigurationFailsNamingKeyAndValue() throws Exception {
    Counting r = new Counting();
    FeatureRanker.Factory factory = new FeatureRanker.Factory();
    String missing = dir.resolve("absent.fnlp").toString();
    assertThatThrownBy(() -> factory.create(StageConfig.of("feature-ranker", Map.of("file", missing)), r))
        .isInstanceOf(SceneException.class).hasMessageContaining("file").hasMessageContaining(missing);
    assertThatThrownBy(() -> factory.create(StageConfig.of("feature-ranker", Map.of()), r))
        .isInstanceOf(SceneException.class).hasMessageContaining("file");
    assertThatThrownBy(() -> factory.create(StageConfig.of("feature-ranker", Map.of("file", missing, "model", "nope")), r))
        .isInstanceOf(SceneException.class).hasMessageContaining("model").hasMessageContaining("nope");

    IdMap users = new IdMap();
    IdMap items = new IdMap();
    Interactions train = train(users, items);
    FeatureColumns columns = new FeatureColumns(FeatureSchema.parse("s", SCHEMA));
    RankPipeline pipeline = fit(columns, rows(columns, r, users, items, train));
    // a bare model (no schema) is refused
    Path bare = dir.resolve("bare.fnlr");
    RankModelFile.write(bare, pipeline.model());
    assertThatThrownBy(() -> factory.create(StageConfig.of("feature-ranker", Map.of("file", bare.toString())), r))
        .isInstanceOf(SceneException.class).hasMessageContaining(bare.toString()).hasMessageContaining("no feature schema");
    // a good file loads and scores
    Path good = dir.resolve("good.fnlp");
    RankPipelineFile.write(good, pipeline);
    Object stage = factory.create(StageConfig.of("feature-ranker", Map.of("file", good.toString(), "model", "itemcf")), r);
    assertThat(((FeatureRanker) stage).description()).isEqualTo("feature-ranker:lr");
    assertThat(((FeatureRanker) stage).probability()).isTrue(); // a pCTR: ads mode accepts it

    // a schema column the scene cannot supply names field and column
    assertThatThrownBy(() -> new FeatureColumns(FeatureSchema.parse("s", "label y\nfield shoe categorical column=size\n")))
        .hasMessageContaining("field shoe").hasMessageContaining("column=size");
  }
}
