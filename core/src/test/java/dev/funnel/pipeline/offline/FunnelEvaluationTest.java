package dev.funnel.pipeline.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.funnel.data.Dataset;
import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.IdMap;
import dev.funnel.data.ItemFeatures;
import dev.funnel.experiment.ResultRow;
import dev.funnel.online.UserHistory;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.store.catalog.ItemRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A hand-made dataset whose funnel numbers are checked by hand.
 *
 * <pre>
 * train  u1 {a}  u2 {a,b}  u3 {a,b,c}  u4 {a,b,c,d}  u5 {a,b,c,d,e}     counts a5 b4 c3 d2 e1
 * test   u1 {b,e}  u2 {d}
 * </pre>
 * Scene: popularity (quota 2), item-to-item over itemcf (quota 1), seen filter over training, over_fetch 1.
 * <ul>
 *   <li>popularity, seen removed: u1 -> b, c (recall 1/2); u2 -> c, d (recall 1): mean 0.75
 *   <li>itemcf (cosine co-counts): u1's trigger a: b .894 > c .775 > d .632 > e .447 -> b (1/2);
 *       u2's triggers a, b: c (.775 + .866) > d (.632 + .707) > e -> c (0): mean 0.25
 *   <li>union: u1 {b, c} -> 1/2, u2 {c, d} -> 1: mean 0.75; 2 candidates each
 *   <li>RRF page of 2: u1 [b, c] (b in both lists), u2 [c, d]: recall@2 = (1/2 + 1) / 2 = 0.75, hitrate@2 = 1
 * </ul>
 */
class FunnelEvaluationTest {
  static Dataset tiny() {
    EventTable train = new EventTable();
    String[] items = {"a", "b", "c", "d", "e"};
    for (int u = 1; u <= 5; u++) {
      for (int i = 0; i < u; i++) {
        train.add("u" + u, items[i], 1000L * (u * 10 + i), EventTable.DEFAULT_TYPE, 1f);
      }
    }
    EventTable test = train.emptyLike(4);
    test.add("u1", "b", 99_000, EventTable.DEFAULT_TYPE, 1f);
    test.add("u1", "e", 99_000, EventTable.DEFAULT_TYPE, 1f);
    test.add("u2", "d", 99_000, EventTable.DEFAULT_TYPE, 1f);
    ItemFeatures.FieldBuilder genre = new ItemFeatures.FieldBuilder("genre");
    IdMap ids = train.items();
    genre.add(ids.get("a"), "x");
    genre.add(ids.get("b"), "x");
    genre.add(ids.get("c"), "y");
    genre.add(ids.get("d"), "y");
    genre.add(ids.get("e"), "z");
    ItemFeatures features = new ItemFeatures(List.of(genre.build(ids.size())), ids.size(), 0);
    return Dataset.of("tiny", train, test, DuplicatePolicy.KEEP_LAST, features, null);
  }

  static Map<String, Object> scene() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", "tiny");
    s.put("budget", 10);
    s.put("over_fetch", 1.0);
    s.put("channels", List.of(Map.of("name", "pop", "type", "popularity", "model", "itemcf", "quota", 2),
        Map.of("name", "i2i", "type", "item-to-item", "model", "itemcf", "quota", 1)));
    s.put("filters", List.of(Map.of("type", "seen", "training", true)));
    return s;
  }

  @Test
  void offlineResourcesReplayTrainingAsOnlineActivity() {
    Dataset d = tiny();
    var fitted = dev.funnel.experiment.Experiment.fit("itemcf", Map.of(), d.train(), TrainContext.defaults());
    OfflineResources r = OfflineResources.of(Map.of("itemcf", SavedModel.of(fitted.model(), d.users(), d.items(), d.train())), d.train(),
        d.users(), d.items(), OfflineResources.catalogue(d.itemFeatures(), d.items()));
    assertEquals(List.of("itemcf"), List.copyOf(r.models()));
    UserHistory h = r.model("itemcf").users().snapshot("u3");
    assertEquals(3, h.size());
    // Newest first: c was u3's last training event.
    assertEquals("c", r.model("itemcf").items().external(h.items()[0]));
    assertEquals(List.of("y"), r.item("c").categories());
    assertEquals(54_000L, r.now()); // the newest training event: u5 on e at 1000 * (50 + 4)
  }

  @Test
  void perChannelAndUnionRecallMatchTheHandCount() {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<ResultRow> rows = FunnelEvaluation.run("tiny.yaml", scene(), tiny(),
        new FunnelEvaluation.Settings(new int[] {2}, 1, 7, Map.of(), true), TrainContext.defaults(), new PrintStream(log));
    assertEquals(2, rows.size());
    assertEquals("itemcf", rows.get(0).model());
    ResultRow f = rows.get(1);
    assertEquals("funnel:tiny", f.model());
    Map<String, Double> m = f.metrics();
    assertEquals(0.75, m.get("recall@budget:pop"), 1e-9);
    assertEquals(0.25, m.get("recall@budget:i2i"), 1e-9);
    assertEquals(0.75, m.get("recall@budget:union"), 1e-9);
    assertEquals(2.0, m.get("candidates"), 1e-9);
    assertEquals(0.75, m.get("recall@2"), 1e-9);
    assertEquals(1.0, m.get("hitrate@2"), 1e-9);
    assertEquals(2, f.usersEvaluated());
    // Pages [b, c] (categories x, y) and [c, d] (y, y): diversity (1 + 0) / 2; categories used {x, y} of {x, y, z}.
    assertEquals(0.5, m.get("diversity@2"), 1e-9);
    assertEquals(2.0 / 3, m.get("category_coverage@2"), 1e-9);
    // Novelty: -log2(deg/5): u1 (b 4, c 3), u2 (c 3, d 2).
    double l = Math.log(2);
    double n1 = (-Math.log(4 / 5.0) - Math.log(3 / 5.0)) / l / 2;
    double n2 = (-Math.log(3 / 5.0) - Math.log(2 / 5.0)) / l / 2;
    assertEquals((n1 + n2) / 2, m.get("novelty@2"), 1e-9);
    assertEquals(0.0, m.get("degraded_requests"));
  }

  @Test
  void aSceneModelThatIsNoAlgorithmFailsNamingIt() {
    Map<String, Object> s = new LinkedHashMap<>(scene());
    s.put("channels", List.of(Map.of("type", "item-to-item", "model", "itemcff")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FunnelEvaluation.run("x.yaml", s, tiny(),
        new FunnelEvaluation.Settings(new int[] {2}, 1, 7, Map.of(), false), TrainContext.defaults(), new PrintStream(new ByteArrayOutputStream())));
    assertTrue(e.getMessage().contains("x.yaml") && e.getMessage().contains("itemcff"), e.getMessage());
  }

  @Test
  void rankedListsScoreOnlyTheirItems() {
    RankedLists r = new RankedLists(new int[][] {{2, 0}, null}, 3);
    float[] out = new float[3];
    r.scoreUser(0, out);
    assertEquals(2f, out[2]);
    assertEquals(1f, out[0]);
    assertEquals(Float.NEGATIVE_INFINITY, out[1]);
    assertTrue(r.knowsUser(0));
    assertEquals(false, r.knowsUser(1));
  }
}
