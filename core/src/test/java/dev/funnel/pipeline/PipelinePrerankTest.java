package dev.funnel.pipeline;

import static dev.funnel.pipeline.Fixtures.fixed;
import static dev.funnel.pipeline.Fixtures.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.pipeline.fusion.ScoreFusion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The optional pre-rank stage. Fixture, checked by hand: channel a proposes x1, x2, x3, x4 (ranks 0..3),
 * channel b proposes x4, x3, y1. The pre-rank is RRF with k = 60 (1-based ranks):
 * <pre>
 *   x4 = 1/64 + 1/61 = 0.032018   x3 = 1/63 + 1/62 = 0.032002   x1 = 1/61 = 0.016393
 *   x2 = 1/62 = 0.016129          y1 = 1/63 = 0.015873
 * </pre>
 * so its order is x4, x3, x1, x2, y1. The rank stage scores from a fixed table
 * (x1 0.9, x2 0.95, x3 0.1, x4 0.5, y1 0.99) and records what it received.
 */
class PipelinePrerankTest {
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r);
    t.setDaemon(true);
    return t;
  });
  private final MapResources res = new MapResources();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** A rank stage scoring from a table, recording every list it was given. */
  static final class TableRanker implements Ranker {
    final Map<String, Float> table;
    final List<List<String>> calls = new ArrayList<>();

    TableRanker(Map<String, Float> table) {
      this.table = table;
    }

    @Override
    public String description() {
      return "table";
    }

    @Override
    public boolean probability() {
      return true;
    }

    @Override
    public void score(PipelineRequest request, List<Candidate> candidates) {
      calls.add(ids(candidates));
      for (Candidate c : candidates) {
        c.score(table.getOrDefault(c.item(), 0f));
      }
    }
  }

  static Map<String, Float> table() {
    return Map.of("x1", 0.9f, "x2", 0.95f, "x3", 0.1f, "x4", 0.5f, "y1", 0.99f);
  }

  private Pipeline pipeline(Ranker rank, Pipeline.PrerankSlot prerank) {
    List<Pipeline.ChannelSlot> slots = List.of(new Pipeline.ChannelSlot(fixed("a", "x1", "x2", "x3", "x4"), 10, 2_000),
        new Pipeline.ChannelSlot(fixed("b", "x4", "x3", "y1"), 10, 2_000));
    return new Pipeline("t", slots, 100, 1, List.of(), rank, List.of(), res, pool, prerank, null);
  }

  private static Pipeline.PrerankSlot rrf(int keep) {
    return new Pipeline.PrerankSlot(new ScoreFusion(ScoreFusion.Method.RRF, 60, Map.of()), keep);
  }

  private static PipelineRequest request(int k, int offset, boolean debug) {
    return new PipelineRequest("u", null, k, offset, List.of(), null, debug, 0);
  }

  @Test
  void theRankStageReceivesExactlyTheTopKeepByThePrerankScore() {
    TableRanker rank = new TableRanker(table());
    PipelineResult r = pipeline(rank, rrf(3)).run(request(3, 0, false));
    assertThat(rank.calls).containsExactly(List.of("x4", "x3", "x1"));
    // x2 (0.95) and y1 (0.99) would win the rank stage, but the pre-rank cut them.
    assertThat(ids(r.items())).containsExactly("x1", "x4", "x3");
    assertThat(r.items().get(0).score()).isEqualTo(0.9f);
    assertThat(r.ranking()).isEqualTo("table");
  }

  @Test
  void withoutPrerankTheRankStageSeesEveryCandidateAsBefore() {
    TableRanker rank = new TableRanker(table());
    Pipeline p = pipeline(rank, null);
    PipelineResult r = p.run(request(3, 0, true));
    assertThat(p.prerank()).isNull();
    assertThat(rank.calls).hasSize(1);
    assertThat(rank.calls.get(0)).containsExactlyInAnyOrder("x1", "x2", "x3", "x4", "y1");
    assertThat(ids(r.items())).containsExactly("y1", "x2", "x1");
    assertThat(r.trace().stages()).extracting(Trace.StageStep::stage).doesNotContain("prerank", "ads:ecpm");
    // The old constructor is the same pipeline.
    TableRanker again = new TableRanker(table());
    List<Pipeline.ChannelSlot> slots = p.channels();
    Pipeline old = new Pipeline("t", slots, 100, 1, List.of(), again, List.of(), res, pool);
    assertThat(ids(old.run(request(3, 0, false)).items())).containsExactly("y1", "x2", "x1");
  }

  @Test
  void theTraceShowsThePrerankStage() {
    PipelineResult r = pipeline(new TableRanker(table()), rrf(3)).run(request(2, 0, true));
    List<String> stages = r.trace().stages().stream().map(Trace.StageStep::stage).toList();
    assertThat(stages).containsSubsequence("merge", "prerank", "rank");
    Trace.StageStep pre = r.trace().stages().get(stages.indexOf("prerank"));
    assertThat(pre.in()).isEqualTo(5);
    assertThat(pre.out()).isEqualTo(3);
    assertThat(pre.micros()).isGreaterThanOrEqualTo(0);
    Trace.StageStep rank = r.trace().stages().get(stages.indexOf("rank"));
    assertThat(rank.in()).isEqualTo(3);
    // Each traced item says where the pre-rank put it and with what score.
    assertThat(r.trace().items().get(0).item()).isEqualTo("x1");
    assertThat(r.trace().items().get(0).adjustments()).containsExactly("prerank: 2 (fusion:rrf 0.016393)");
  }

  @Test
  void pagesBeyondKeepRankFurtherBlocksAndNeverRepeat() {
    // keep 2, k 2: block 0 = {x4, x3}, block 1 = {x1, x2}, block 2 = {y1}, each sorted by the table alone.
    TableRanker rank = new TableRanker(table());
    Pipeline p = pipeline(rank, rrf(2));
    assertThat(ids(p.run(request(2, 0, false)).items())).containsExactly("x4", "x3");
    assertThat(rank.calls).containsExactly(List.of("x4", "x3"));
    assertThat(ids(p.run(request(2, 2, false)).items())).containsExactly("x2", "x1");
    assertThat(ids(p.run(request(2, 4, false)).items())).containsExactly("y1");
    // One deep page equals the three pages: the ranking does not depend on the page.
    assertThat(ids(p.run(request(6, 0, false)).items())).containsExactly("x4", "x3", "x2", "x1", "y1");
    PipelineResult deep = p.run(request(3, 0, true));
    Trace.StageStep pre = deep.trace().stages().stream().filter(s -> s.stage().equals("prerank")).findFirst().orElseThrow();
    assertThat(pre.out()).isEqualTo(4); // two blocks of 2 reach the rank stage for depth 3
  }

  @Test
  void keepMustBePositive() {
    assertThatThrownBy(() -> rrf(0)).hasMessage("keep must be positive; keep=0");
  }

  // ---- scene files

  private final MapResources world = Fixtures.world();
  private final SceneBuilder builder = new SceneBuilder(Stages.installed(), world, pool);

  private static Map<String, Object> scene(Object prerank) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("budget", 50);
    s.put("channels", List.of(Map.of("name", "i2i", "type", "item-to-item", "model", "itemcf", "quota", 20),
        Map.of("type", "popularity", "quota", 10)));
    s.put("prerank", prerank);
    s.put("rank", Map.of("type", "fusion", "method", "weighted"));
    return s;
  }

  private void fails(Object prerank, String... parts) {
    assertThatThrownBy(() -> builder.build("scenes/pre.yaml", scene(prerank))).isInstanceOf(SceneException.class).satisfies(e -> {
      for (String part : parts) {
        assertThat(e.getMessage()).contains(part);
      }
    });
  }

  @Test
  void aSceneFileBuildsThePrerankStage() {
    Pipeline p = builder.build("scenes/pre.yaml", scene(Map.of("type", "fusion", "method", "rrf", "keep", 4)));
    assertThat(p.prerank().keep()).isEqualTo(4);
    assertThat(p.prerank().ranker().description()).isEqualTo("fusion:rrf");
    assertThat(p.ranker().description()).isEqualTo("fusion:weighted");
    PipelineResult r = p.run(new PipelineRequest("u0", null, 3, 0, List.of(), null, true, Fixtures.NOW));
    Trace.StageStep pre = r.trace().stages().stream().filter(s -> s.stage().equals("prerank")).findFirst().orElseThrow();
    assertThat(pre.out()).isLessThanOrEqualTo(4);
    assertThat(r.items()).hasSizeLessThanOrEqualTo(3).isNotEmpty();
  }

  @Test
  void badPrerankConfigNamesFileKeyAndValue() {
    fails(Map.of("type", "fusion", "keep", 0), "scenes/pre.yaml: prerank.keep: must be an integer in [1, 100000]; keep=0");
    fails(Map.of("type", "fusion", "keep", -5), "prerank.keep: must be an integer in [1, 100000]; keep=-5");
    fails(Map.of("type", "fusion", "keep", "many"), "prerank.keep: must be an integer", "keep=many");
    fails(Map.of("type", "fusion"), "scenes/pre.yaml: prerank.keep: missing required key 'keep'");
    fails(Map.of("type", "fusion", "keep", 10, "colour", "red"),
        "scenes/pre.yaml: prerank.colour: unknown key 'colour' for stage type 'fusion'", "colour=red");
    fails(Map.of("type", "cheap", "keep", 10), "scenes/pre.yaml: prerank.type: unknown rank stage type 'cheap'; valid: feature-ranker, fusion", "type=cheap");
    fails(Map.of("keep", 10), "prerank.type: every stage needs a 'type'");
    fails(List.of("fusion"), "scenes/pre.yaml: prerank: must be a mapping", "prerank=[fusion]");
    fails(Map.of("type", "fusion", "keep", 10, "method", "best"), "prerank.method: must be one of [rrf, weighted]; method=best");
    // A model-ranker pre-rank needs a trained model, like the rank stage.
    fails(Map.of("type", "model-ranker", "keep", 10), "prerank.type:", "file: PATH");
  }
}
