package dev.funnel.pipeline.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.data.Dataset;
import dev.funnel.data.IdMap;
import dev.funnel.data.ItemFeatures;
import dev.funnel.experiment.ResultRow;
import dev.funnel.recall.TrainContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code funnel eval --scene} with the pre-rank and ads keys, on {@link FunnelEvaluationTest#tiny()}
 * (hand counts there): the scenes run as served, and the candidates at the budget are the pre-rank's input.
 */
class FunnelEvaluationPrerankTest {
  private static List<ResultRow> run(Map<String, Object> scene, Dataset d, int k) {
    return FunnelEvaluation.run("tiny.yaml", scene, d, new FunnelEvaluation.Settings(new int[] {k}, 1, 7, Map.of(), false),
        TrainContext.defaults(), new PrintStream(new ByteArrayOutputStream()));
  }

  @Test
  void aPrerankSceneReplaysAsServedAndCountsCandidatesBeforeThePrerank() {
    Map<String, Object> s = new LinkedHashMap<>(FunnelEvaluationTest.scene());
    s.put("prerank", Map.of("type", "fusion", "keep", 1));
    ResultRow f = run(s, FunnelEvaluationTest.tiny(), 1).get(0);
    Map<String, Double> m = f.metrics();
    // Both candidates count for recall@budget although only the pre-rank's best one reaches the rank stage.
    assertEquals(0.75, m.get("recall@budget:union"), 1e-9);
    assertEquals(2.0, m.get("candidates"), 1e-9);
    // Pages of 1: u1 [b] (1 of {b, e}), u2 [c] (0 of {d}).
    assertEquals(0.25, m.get("recall@1"), 1e-9);
    assertEquals("fusion:rrf", f.params().get("prerank"));
    assertEquals(1, f.params().get("prerank_keep"));
  }

  @Test
  void aModelRankerPrerankIsTrainedLikeTheRankStage() {
    Map<String, Object> s = new LinkedHashMap<>(FunnelEvaluationTest.scene());
    s.put("prerank", Map.of("type", "model-ranker", "algorithm", "lr", "keep", 2));
    ResultRow f = run(s, FunnelEvaluationTest.tiny(), 2).get(0);
    assertEquals("stacking:lr", f.params().get("prerank"));
    assertEquals("fusion:rrf", f.params().get("ranking"));
    assertEquals(0.75, f.metrics().get("recall@budget:union"), 1e-9);
  }

  /** tiny() plus a numeric item feature {@code bid}: a 1.0, b 0 (not an ad), c 2.0, d 3.0, e none. */
  static Dataset withBids() {
    Dataset d = FunnelEvaluationTest.tiny();
    IdMap ids = d.items();
    ItemFeatures.FieldBuilder bid = new ItemFeatures.FieldBuilder("bid");
    bid.add(ids.get("a"), "1.0");
    bid.add(ids.get("b"), "0");
    bid.add(ids.get("c"), "2.0");
    bid.add(ids.get("d"), "3.0");
    List<ItemFeatures.Field> fields = new java.util.ArrayList<>(d.itemFeatures().fields());
    fields.add(bid.build(ids.size()));
    return new Dataset("tiny", d.users(), ids, d.eventTypes(), d.train(), d.test(), new ItemFeatures(fields, ids.size(), 0), d.split());
  }

  @Test
  void anAdsSceneReplaysWithTheDatasetsBids() {
    Dataset d = withBids();
    assertEquals(Map.of("bid", 3.0), OfflineResources.catalogue(d.itemFeatures(), d.items()).get("d").attributes());
    Map<String, Object> s = new LinkedHashMap<>(FunnelEvaluationTest.scene());
    s.put("rank", Map.of("type", "model-ranker", "algorithm", "lr"));
    s.put("ads", Map.of("bid", "bid"));
    ResultRow f = run(s, d, 2).get(0);
    assertEquals("ecpm:stacking:lr", f.params().get("ranking"));
    assertEquals("bid", f.params().get("ads_bid"));
    // b (bid 0) and e (no bid) are no ads: u1's candidates are c, d only; the union recall drops from 0.75
    // (u1 {b, c}: 1/2, u2 {c, d}: 1) to u1 {c, d}: 0 of {b, e}, u2 {c, d}: 1 -> 0.5.
    assertEquals(0.5, f.metrics().get("recall@budget:union"), 1e-9);
    assertEquals(2.0, f.metrics().get("candidates"), 1e-9);
    assertTrue(f.metrics().get("recall@2") <= 0.5 + 1e-9);
  }
}
