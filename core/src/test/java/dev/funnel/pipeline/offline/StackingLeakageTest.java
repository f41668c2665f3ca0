package dev.funnel.pipeline.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.data.Dataset;
import dev.funnel.data.Interactions;
import dev.funnel.experiment.ResultRow;
import dev.funnel.pipeline.SceneException;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.stacking.StackingModel;
import dev.funnel.pipeline.stacking.StackingRanker;
import dev.funnel.pipeline.stacking.StackingTraining;
import dev.funnel.recall.TrainContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The stacking ranker's training split is leakage-free, and its scene runs end to end. */
class StackingLeakageTest {
  @Test
  void splitHoldsOutTheNewestInteractionsDisjointly() {
    Dataset d = FunnelEvaluationTest.tiny();
    StackingTraining.Split s = StackingTraining.split(d.train(), 0.4, 1);
    Interactions t = d.train();
    assertEquals(t.nnz(), s.rest().nnz() + s.validation().nnz());
    for (int u = 0; u < t.numUsers(); u++) {
      for (int i : s.validation().itemsOf(u)) {
        assertFalse(s.rest().contains(u, i), "validation pair (" + u + ", " + i + ") is also in the rest");
        assertTrue(t.contains(u, i));
      }
      if (t.userDegree(u) > 0) {
        assertTrue(s.rest().userDegree(u) >= 1, "user " + u + " keeps a training interaction");
      }
    }
    // u5 {a..e} at times 50..54 (x1000): round(0.4 * 5) = 2 newest held out: d and e.
    int u5 = d.users().get("u5");
    assertEquals(List.of("d", "e"), List.of(d.items().external(s.validation().itemsOf(u5)[0]), d.items().external(s.validation().itemsOf(u5)[1])));
    assertEquals(0, s.validation().userDegree(d.users().get("u1"))); // one interaction: nothing to hold out
  }

  /**
   * The scene has only a popularity channel behind a seen filter over the candidate models' training
   * rows and online state. Every validation item is then proposed (5 items, budget 10) unless the
   * models or the replayed activity saw it: with leakage the seen filter would remove every
   * validation item and no row would be positive.
   */
  @Test
  void validationCandidatesComeFromModelsThatNeverSawTheValidationItems() {
    Dataset d = FunnelEvaluationTest.tiny();
    Map<String, Object> scene = new LinkedHashMap<>();
    scene.put("name", "leak");
    scene.put("budget", 10);
    scene.put("channels", List.of(Map.of("name", "pop", "type", "popularity", "model", "pop", "quota", 10)));
    scene.put("filters", List.of(Map.of("type", "seen", "training", true)));
    Map<String, Object> rank = new LinkedHashMap<>(Map.of("type", "model-ranker", "algorithm", "lr", "validation", 0.4));
    scene.put("rank", rank);
    var executor = Executors.newCachedThreadPool();
    try {
      StackingModel m = FunnelEvaluation.trainStacking("leak.yaml", scene, rank, d, List.of("pop"),
          new FunnelEvaluation.Settings(new int[] {2}, 1, 1, Map.of(), false), TrainContext.defaults(),
          OfflineResources.catalogue(d.itemFeatures(), d.items()), executor, 2, new PrintStream(new ByteArrayOutputStream()));
      // Held out (0.4): u2 1 (b), u3 1 (c), u4 2 (c, d), u5 2 (d, e) = 6 validation pairs, all proposed.
      assertEquals(6, m.positives());
      assertTrue(m.samples() > m.positives());
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aStackedSceneRunsEndToEndAndReportsItsRanking() {
    Map<String, Object> scene = new LinkedHashMap<>(FunnelEvaluationTest.scene());
    scene.put("rank", Map.of("type", "model-ranker", "algorithm", "lr", "validation", 0.4));
    List<ResultRow> rows = FunnelEvaluation.run("tiny.yaml", scene, FunnelEvaluationTest.tiny(),
        new FunnelEvaluation.Settings(new int[] {2}, 1, 7, Map.of(), false), TrainContext.defaults(), new PrintStream(new ByteArrayOutputStream()));
    assertEquals(1, rows.size());
    assertEquals("stacking:lr", rows.get(0).params().get("ranking"));
    // Ranking cannot change the candidates: union recall as with fusion (hand count in FunnelEvaluationTest).
    assertEquals(0.75, rows.get(0).metrics().get("recall@budget:union"), 1e-9);
  }

  @Test
  void aLiveSceneCannotUseAnUntrainedStackingRanker() {
    Map<String, Object> rank = Map.of("type", "model-ranker");
    SceneException e = assertThrows(SceneException.class,
        () -> new StackingRanker.Factory().create(new StageConfig("rank", rank, null), new dev.funnel.pipeline.MapResources()));
    assertTrue(e.getMessage().contains("funnel eval --scene"), e.getMessage());
  }
}
