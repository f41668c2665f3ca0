package dev.funnel.pipeline;

import static dev.funnel.pipeline.Fixtures.fixed;
import static dev.funnel.pipeline.Fixtures.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.pipeline.fusion.ScoreFusion;
import dev.funnel.recall.ModelRecommender.Scored;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipelineTest {
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

  private Pipeline pipeline(int budget, double overFetch, List<Filter> filters, Pipeline.ChannelSlot... slots) {
    return new Pipeline("t", List.of(slots), budget, overFetch, filters, new ScoreFusion(ScoreFusion.Method.RRF, 60, Map.of()), List.of(), res,
        pool);
  }

  private static Pipeline.ChannelSlot slot(Channel c, int quota) {
    return new Pipeline.ChannelSlot(c, quota, 2_000);
  }

  private static PipelineRequest request(int k, int offset, boolean debug) {
    return new PipelineRequest("u", null, k, offset, List.of(), null, debug, 0);
  }

  /** A re-ranker named "reverse" that reverses the order. */
  private static Reranker reversing() {
    return new Reranker() {
      @Override
      public String name() {
        return "reverse";
      }

      @Override
      public List<Candidate> rerank(PipelineRequest request, List<Candidate> ranked, int depth, Predicate<String> admissible) {
        List<Candidate> out = new ArrayList<>(ranked);
        java.util.Collections.reverse(out);
        return out;
      }
    };
  }

  private static Filter rejecting(String name, Set<String> items) {
    return new Filter() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Predicate<String> prepare(PipelineRequest request) {
        return item -> !items.contains(item);
      }
    };
  }

  @Test
  void mergeKeepsEveryChannelAndScoreOfAnItem() {
    Pipeline p = pipeline(100, 1, List.of(), slot(fixed("a", "x", "y"), 10), slot(fixed("b", "y", "z"), 10));
    PipelineResult r = p.run(request(3, 0, true));
    Candidate y = r.items().stream().filter(c -> c.item().equals("y")).findFirst().orElseThrow();
    assertThat(y.channelScores()).containsExactly(Map.entry("a", 1f), Map.entry("b", 2f));
    assertThat(y.channelRanks()).containsExactly(Map.entry("a", 1), Map.entry("b", 0));
    // RRF: y = 1/62 + 1/61 beats x = 1/61 and z = 1/62.
    assertThat(ids(r.items())).containsExactly("y", "x", "z");
    assertThat(r.ranking()).isEqualTo("fusion:rrf");
    assertThat(r.trace().items().get(0).channels()).containsKeys("a", "b");
    assertThat(r.trace().stages()).extracting(Trace.StageStep::stage).contains("recall", "merge", "rank");
  }

  @Test
  void aSlowChannelDegradesButDoesNotFailTheResponse() {
    Channel slow = new Channel() {
      @Override
      public String name() {
        return "slow";
      }

      @Override
      public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
        try {
          Thread.sleep(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return List.of(new Scored("never", 1));
      }
    };
    Pipeline p = pipeline(100, 1, List.of(), new Pipeline.ChannelSlot(slow, 10, 20), slot(fixed("fast", "a", "b"), 10));
    PipelineResult r = p.run(request(5, 0, true));
    assertThat(ids(r.items())).containsExactly("a", "b");
    assertThat(r.degraded()).containsExactly(new PipelineResult.Degraded("slow", "timeout after 20 ms"));
    assertThat(r.trace().channels().get(0).status()).isEqualTo("timeout");
  }

  @Test
  void aFailingChannelDegradesWithItsReason() {
    Channel boom = new Channel() {
      @Override
      public String name() {
        return "boom";
      }

      @Override
      public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
        throw new IllegalStateException("index closed");
      }
    };
    PipelineResult r = pipeline(100, 1, List.of(), slot(boom, 10), slot(fixed("ok", "a"), 10)).run(request(5, 0, false));
    assertThat(ids(r.items())).containsExactly("a");
    assertThat(r.degraded()).containsExactly(new PipelineResult.Degraded("boom", "failed: IllegalStateException: index closed"));
    assertThat(r.trace()).isNull();
  }

  @Test
  void aFailingRankerDegradesAndTheMergeOrderServes() {
    Ranker broken = new Ranker() {
      @Override
      public String description() {
        return "broken";
      }

      @Override
      public void score(PipelineRequest request, List<Candidate> candidates) {
        candidates.get(0).score(99f); // a partial write before failing must not reorder the page
        throw new IllegalStateException("model file gone");
      }
    };
    Pipeline p = new Pipeline("t", List.of(slot(fixed("a", "x", "y"), 10), slot(fixed("b", "z", "y"), 10)), 100, 1, List.of(), broken,
        List.of(), res, pool);
    PipelineResult r = p.run(request(3, 0, true));
    // Merge order: channel a's list, then b's new items (y already merged).
    assertThat(ids(r.items())).containsExactly("x", "y", "z");
    assertThat(r.degraded()).containsExactly(new PipelineResult.Degraded("rank", "failed: IllegalStateException: model file gone"));
    assertThat(r.trace().stages()).extracting(Trace.StageStep::stage).contains("rank");
  }

  @Test
  void aFailingRerankerIsSkippedAndNamed() {
    Reranker broken = new Reranker() {
      @Override
      public String name() {
        return "mmr";
      }

      @Override
      public List<Candidate> rerank(PipelineRequest request, List<Candidate> ranked, int depth, Predicate<String> admissible) {
        ranked.clear(); // a partial change before failing must not reach the page
        throw new ArithmeticException("NaN similarity");
      }
    };
    Reranker reverse = reversing();
    Pipeline p = new Pipeline("t", List.of(slot(fixed("a", "x", "y", "z"), 10)), 100, 1, List.of(),
        new ScoreFusion(ScoreFusion.Method.RRF, 60, Map.of()), List.of(broken, reverse), res, pool);
    PipelineResult r = p.run(request(3, 0, false));
    assertThat(ids(r.items())).as("the failing re-ranker skipped, the next one applied").containsExactly("z", "y", "x");
    assertThat(r.degraded()).containsExactly(new PipelineResult.Degraded("rerank:mmr", "failed: ArithmeticException: NaN similarity"));
  }

  @Test
  void stagesPastTheDeadlineAreSkippedAndNamed() {
    Channel slowish = new Channel() {
      @Override
      public String name() {
        return "slowish";
      }

      @Override
      public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
        try {
          Thread.sleep(40);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return List.of(new Scored("x", 1), new Scored("y", 3), new Scored("z", 2));
      }
    };
    Ranker byScore = new Ranker() {
      @Override
      public String description() {
        return "by-score";
      }

      @Override
      public void score(PipelineRequest request, List<Candidate> candidates) {
        for (Candidate c : candidates) {
          c.score(c.channelScore(0));
        }
      }
    };
    Reranker reverse = reversing();
    List<Pipeline.ChannelSlot> slots = List.of(new Pipeline.ChannelSlot(slowish, 10, 5_000));
    PipelineResult late = new Pipeline("t", slots, 100, 1, List.of(), byScore, List.of(reverse), res, pool, null, null, 10).run(
        request(3, 0, false));
    assertThat(ids(late.items())).as("merge order: rank and re-rank skipped").containsExactly("x", "y", "z");
    assertThat(late.degraded()).extracting(PipelineResult.Degraded::channel).containsExactly("rank", "rerank:reverse");
    assertThat(late.degraded().get(0).reason()).startsWith("skipped: the request was at ").endsWith("ms, past its deadline of 10 ms");
    PipelineResult inTime = new Pipeline("t", slots, 100, 1, List.of(), byScore, List.of(reverse), res, pool, null, null, 5_000).run(
        request(3, 0, false));
    assertThat(ids(inTime.items())).as("ranked y, z, x, then reversed").containsExactly("x", "z", "y");
    assertThat(inTime.degraded()).isEmpty();
  }

  @Test
  void filtersArePushedDownSoTheResponseIsNotShort() {
    // quota 3, no over-fetch: the channel still returns 3 valid items because it filters during selection.
    Filter seen = rejecting("seen", Set.of("a", "b", "c"));
    PipelineResult r = pipeline(100, 1, List.of(seen), slot(fixed("c1", "a", "b", "c", "d", "e", "f", "g"), 3)).run(request(3, 0, true));
    assertThat(ids(r.items())).containsExactly("d", "e", "f");
    assertThat(r.trace().rejected()).containsEntry("seen", 3);
  }

  @Test
  void aChannelIgnoringTheFiltersIsCheckedAfterTheMerge() {
    Channel careless = new Channel() {
      @Override
      public String name() {
        return "careless";
      }

      @Override
      public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
        return List.of(new Scored("a", 3), new Scored("b", 2), new Scored("c", 1));
      }
    };
    PipelineResult r = pipeline(100, 1, List.of(rejecting("seen", Set.of("b"))), slot(careless, 10)).run(request(5, 0, true));
    assertThat(ids(r.items())).containsExactly("a", "c");
    assertThat(r.trace().rejected()).containsEntry("after-merge", 1);
  }

  @Test
  void budgetSplitsByQuotaAndBackFillsFromTheOverFetch() {
    Pipeline p = pipeline(4, 3, List.of(), slot(fixed("a", "a1", "a2", "a3", "a4", "a5", "a6"), 6), slot(fixed("b", "b1", "b2", "b3"), 2));
    // quotas 6 + 2 over a budget of 4: 3 and 1; limits 9 and 3.
    assertThat(p.effectiveQuotas()).containsExactly(3, 1);
    PipelineResult small = p.run(request(2, 0, true));
    assertThat(small.trace().channels()).extracting(Trace.ChannelStep::kept).containsExactly(3, 1);
    assertThat(small.trace().stages().stream().filter(s -> s.stage().equals("merge")).findFirst().orElseThrow().out()).isEqualTo(4);
    // A page of 7 needs more than the budget: quotas widen (x 7/4) and the back-fill reaches 7 from the over-fetch.
    PipelineResult deep = p.run(request(7, 0, true));
    assertThat(deep.items()).hasSize(7);
  }

  @Test
  void pagesNeverRepeat() {
    Pipeline p = pipeline(100, 2, List.of(), slot(fixed("a", "a1", "a2", "a3", "a4", "a5", "a6"), 10),
        slot(fixed("b", "b1", "a2", "b3", "b4"), 10));
    List<String> all = ids(p.run(request(9, 0, false)).items());
    List<String> pages = new ArrayList<>();
    for (int offset = 0; offset < 9; offset += 3) {
      pages.addAll(ids(p.run(request(3, offset, false)).items()));
    }
    assertThat(pages).isEqualTo(all);
    assertThat(new HashSet<>(pages)).hasSize(pages.size());
    assertThat(p.run(request(3, 9, false)).items()).isEmpty();
  }

  @Test
  void everyCandidateFilteredOutGivesAnEmptyPage() {
    PipelineResult r = pipeline(100, 2, List.of(rejecting("rule", Set.of("a", "b"))), slot(fixed("c", "a", "b"), 10)).run(request(5, 0, true));
    assertThat(r.items()).isEmpty();
    assertThat(r.degraded()).isEmpty();
  }

  @Test
  void aChannelWithNothingLeavesTheOthers() {
    PipelineResult r = pipeline(100, 2, List.of(), slot(fixed("empty"), 10), slot(fixed("c", "a"), 10)).run(request(5, 0, true));
    assertThat(ids(r.items())).containsExactly("a");
    assertThat(r.trace().channels().get(0).proposed()).isZero();
  }

  @Test
  void builtInFiltersExcludeAllowAnchorAndAvailability() {
    res.hidden.add("h");
    Pipeline p = pipeline(100, 2, List.of(), slot(fixed("c", "a", "b", "h", "anchor", "d"), 10));
    PipelineRequest req = new PipelineRequest("u", "anchor", 10, 0, List.of("b"), List.of("a", "b", "h", "anchor"), true, 0);
    PipelineResult r = p.run(req);
    assertThat(ids(r.items())).containsExactly("a");
    assertThat(r.trace().rejected()).containsKeys("exclude", "allow", "available");
  }
}
