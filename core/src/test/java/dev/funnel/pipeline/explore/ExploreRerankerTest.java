package dev.funnel.pipeline.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.MapResources;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageKind;
import dev.funnel.pipeline.Stages;
import dev.funnel.store.catalog.ItemRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExploreRerankerTest {
  private static final long NOW = 1_700_000_000_000L;

  /** 20 candidates: "a*" from channel main (ranked first), "n*" from channel fresh (ranked last). */
  private static List<Candidate> candidates() {
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Candidate c = new Candidate("a" + i);
      c.proposedBy("main", i, 1f);
      c.score(100 - i);
      out.add(c);
    }
    for (int i = 0; i < 10; i++) {
      Candidate c = new Candidate("n" + i);
      c.proposedBy("fresh", i, 1f);
      c.score(50 - i);
      out.add(c);
    }
    return out;
  }

  private static ExploreReranker stage(MapResources res, Map<String, Object> keys) {
    return (ExploreReranker) Stages.installed().create(StageKind.RERANKER, new StageConfig("rerank[0]", keys, null), res);
  }

  @Test
  void explorationSlotsFollowTheShare() {
    ExploreReranker r = stage(new MapResources(), Map.of("type", "explore", "share", 0.25));
    List<Integer> slots = new ArrayList<>();
    for (int p = 0; p < 12; p++) {
      if (r.explores(p)) {
        slots.add(p);
      }
    }
    assertThat(slots).containsExactly(3, 7, 11);
  }

  @Test
  void channelArmsFillOnlyTheExplorationSlotsAndLearnFromFeedback() {
    MapResources res = new MapResources();
    ExploreReranker r = stage(res, Map.of("type", "explore", "share", 0.5));
    PipelineRequest req = PipelineRequest.forUser("u", 4, NOW);
    List<Candidate> out = r.rerank(req, candidates(), 4, x -> true);
    assertThat(out).hasSize(20);
    // exploit slots 0 and 2 take the ranked order; slots 1 and 3 are the bandit's, noted and carrying feedback
    assertThat(out.get(0).item()).isEqualTo("a0");
    assertThat(out.get(1).feedback()).isNotNull();
    assertThat(out.get(1).adjustments().get(0)).startsWith("explore: channel ");
    assertThat(out.get(0).feedback()).isNull();
    assertThat(out.stream().map(Candidate::item).distinct().count()).isEqualTo(20);
    // the fresh channel is clicked every time, main never: the bandit comes to prefer fresh
    for (int t = 0; t < 200; t++) {
      for (Candidate c : r.rerank(req, candidates(), 4, x -> true).subList(0, 4)) {
        if (c.feedback() != null) {
          c.feedback().impression();
          if (c.item().startsWith("n")) {
            c.feedback().click();
          }
        }
      }
    }
    List<Candidate> last = r.rerank(req, candidates(), 4, x -> true);
    assertThat(last.get(1).item()).startsWith("n");
    assertThat(last.get(3).item()).startsWith("n");
    assertThat(r.channelArms()).containsExactlyInAnyOrder("main", "fresh");
  }

  @Test
  void itemArmsPreferTheFeaturesThatEarnClicks() {
    MapResources res = new MapResources();
    for (int i = 0; i < 10; i++) {
      res.catalog.put("n" + i, new ItemRecord("n" + i, List.of(), List.of(), Map.of(), true, NOW - 3_600_000L, null)); // an hour old
      res.catalog.put("a" + i, new ItemRecord("a" + i, List.of(), List.of(), Map.of(), true, NOW - 30 * 86_400_000L, null));
    }
    ExploreReranker r = stage(res, Map.of("type", "explore", "share", 0.5, "arms", "items", "policy", "thompson", "pool", 20,
        "features", List.of("fresh", "main")));
    PipelineRequest req = PipelineRequest.forUser("u", 4, NOW);
    double[] fresh = r.context(candidates().get(10), 1, NOW, true);
    assertThat(fresh).hasSize(ExploreReranker.ITEM_DIM + 2);
    assertThat(fresh[4 + 1]).isEqualTo(1.0); // age bucket "< 1 day"
    assertThat(fresh[ExploreReranker.ITEM_DIM]).isEqualTo(1.0); // proposed by fresh
    assertThat(fresh[ExploreReranker.ITEM_DIM + 1]).isEqualTo(0.0); // not by main
    for (int t = 0; t < 300; t++) {
      for (Candidate c : r.rerank(req, candidates(), 4, x -> true).subList(0, 4)) {
        if (c.feedback() != null) {
          c.feedback().impression();
          if (c.item().startsWith("n")) {
            c.feedback().click();
          }
        }
      }
    }
    int freshPicks = 0;
    for (int t = 0; t < 20; t++) {
      List<Candidate> out = r.rerank(req, candidates(), 4, x -> true);
      freshPicks += (out.get(1).item().startsWith("n") ? 1 : 0) + (out.get(3).item().startsWith("n") ? 1 : 0);
    }
    assertThat(freshPicks).isGreaterThan(36);
  }

  @Test
  void badKeysFailNamingThem() {
    assertThatThrownBy(() -> stage(new MapResources(), Map.of("type", "explore", "share", 0)))
        .hasMessageContaining("rerank[0].share").hasMessageContaining("share=0");
    assertThatThrownBy(() -> stage(new MapResources(), Map.of("type", "explore", "policy", "ucb1")))
        .hasMessageContaining("rerank[0].policy").hasMessageContaining("policy=ucb1");
    assertThatThrownBy(() -> stage(new MapResources(), Map.of("type", "explore", "channel", "fresh")))
        .hasMessageContaining("arms: items only");
    assertThatThrownBy(() -> stage(new MapResources(), Map.of("type", "explore", "features", List.of("fresh"))))
        .hasMessageContaining("rerank[0].features");
    assertThatThrownBy(() -> stage(new MapResources(), Map.of("type", "explore", "epsilon", 0.1)))
        .hasMessageContaining("epsilon");
  }
}
