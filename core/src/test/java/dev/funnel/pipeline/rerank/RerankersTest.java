package dev.funnel.pipeline.rerank;

import static dev.funnel.pipeline.Fixtures.ids;
import static dev.funnel.pipeline.Fixtures.ranked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.MapResources;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.store.catalog.ItemRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RerankersTest {
  private static final PipelineRequest REQ = PipelineRequest.forUser("u", 10, 0);

  private static MapResources catalog(String... itemCategory) {
    MapResources r = new MapResources();
    for (int n = 0; n < itemCategory.length; n += 2) {
      r.catalog.put(itemCategory[n], new ItemRecord(itemCategory[n], List.of(itemCategory[n + 1]), List.of(), Map.of(), true, null, null));
    }
    return r;
  }

  /**
   * a:x 1.0, b:x 0.9, c:y 0.8, d:z 0.1. rel = a 1, b 8/9, c 7/9, d 0 (min-max).
   * λ=0.5: p0 a; p1 b: .444-.5 = -.056, c: .389, d: 0 -> c; p2 b: -.056, d: 0 -> d; then b.
   * λ=0.7: p1 b: .622-.3 = .322, c: .544 -> c; p2 b: .322, d: 0 -> b; then d.
   */
  @Test
  void mmrByCategoriesByHand() {
    MapResources res = catalog("a", "x", "b", "x", "c", "y", "d", "z");
    String[] items = {"a", "b", "c", "d"};
    float[] scores = {1.0f, 0.9f, 0.8f, 0.1f};
    assertThat(ids(MmrReranker.byCategories("mmr", 0.5, 0, res).rerank(REQ, ranked(items, scores), 4, i -> true)))
        .containsExactly("a", "c", "d", "b");
    List<Candidate> out = MmrReranker.byCategories("mmr", 0.7, 0, res).rerank(REQ, ranked(items, scores), 4, i -> true);
    assertThat(ids(out)).containsExactly("a", "c", "b", "d");
    assertThat(out.get(1).adjustments()).containsExactly("mmr: 2 -> 1 (max similarity 0.000)");
    assertThat(out.get(2).adjustments()).containsExactly("mmr: 1 -> 2 (max similarity 1.000)");
    assertThat(ids(MmrReranker.byCategories("mmr", 1.0, 0, res).rerank(REQ, ranked(items, scores), 4, i -> true)))
        .containsExactly("a", "b", "c", "d");
  }

  @Test
  void mmrOnlyFillsTheDepthAndKeepsTheRest() {
    MapResources res = catalog("a", "x", "b", "x", "c", "y", "d", "z");
    List<Candidate> out = MmrReranker.byCategories("mmr", 0.5, 0, res)
        .rerank(REQ, ranked(new String[] {"a", "b", "c", "d"}, new float[] {1.0f, 0.9f, 0.8f, 0.1f}), 2, i -> true);
    assertThat(ids(out)).containsExactly("a", "c", "b", "d");
  }

  @Test
  void mmrByVectorsUsesCosine() {
    // a and b point the same way, c is orthogonal: with λ=0.5 c jumps over b.
    float[][] v = {{1, 0}, {2, 0}, {0, 1}};
    MmrReranker mmr = MmrReranker.byVectors("mmr", 0.5, 0, cs -> v);
    List<Candidate> out = mmr.rerank(REQ, ranked(new String[] {"a", "b", "c"}, new float[] {1f, 0.9f, 0.5f}), 3, i -> true);
    // rel: a 1, b 0.8, c 0. p1: b .4 - .5 = -.1, c 0 -> c.
    assertThat(ids(out)).containsExactly("a", "c", "b");
  }

  /**
   * a:x b:x c:x d:y e:z f:y, window 3, max 1: p0 a; p1 b,c blocked (x in last 2) -> d; p2 -> e;
   * p3 last [y, z] -> b; p4 last [z, x] c blocked -> f; p5 last [x, y]: only c left, blocked -> c relaxed.
   */
  @Test
  void scatterByHand() {
    MapResources res = catalog("a", "x", "b", "x", "c", "x", "d", "y", "e", "z", "f", "y");
    ScatterReranker s = (ScatterReranker) new ScatterReranker.Factory().create(StageConfig.of("scatter", Map.of("window", 3, "max", 1)), res);
    List<Candidate> out = s.rerank(REQ, ranked(new String[] {"a", "b", "c", "d", "e", "f"}, new float[] {6, 5, 4, 3, 2, 1}), 6, i -> true);
    assertThat(ids(out)).containsExactly("a", "d", "e", "b", "f", "c");
    assertThat(out.get(1).adjustments()).containsExactly("scatter: 3 -> 1");
    assertThat(out.get(5).adjustments().get(0)).startsWith("scatter: relaxed at 5");
  }

  @Test
  void scatterAllowsMaxPerWindowAndSkipsItemsWithoutKey() {
    // window 3, max 2: a b (x x) then c (x) blocked -> n (no category) fits, then c.
    MapResources res = catalog("a", "x", "b", "x", "c", "x");
    ScatterReranker s = new ScatterReranker("scatter", 3, 2, item -> res.catalog.containsKey(item) ? "x" : null);
    assertThat(ids(s.rerank(REQ, ranked(new String[] {"a", "b", "c", "n"}, new float[] {4, 3, 2, 1}), 4, i -> true)))
        .containsExactly("a", "b", "n", "c");
  }

  @Test
  void scatterRejectsMaxNotBelowWindow() {
    assertThatThrownBy(() -> new ScatterReranker.Factory().create(StageConfig.of("scatter", Map.of("window", 3, "max", 3)), new MapResources()))
        .hasMessageContaining("scatter.max").hasMessageContaining("max=3");
  }

  @Test
  void pinsAndBoosts() {
    PinReranker pin = (PinReranker) new PinReranker.Factory().create(StageConfig.of("pin",
        Map.of("pinned", Map.of("z", 0, "hidden", 2, "c", 1), "boost", Map.of("b", 3.0))), new MapResources());
    List<Candidate> out = pin.rerank(REQ, ranked(new String[] {"a", "b", "c"}, new float[] {3, 2, 1}), 3, i -> !i.equals("hidden"));
    // boost: b 6 > a 3 > c 1; then z pinned at 0 (new), c at 1; hidden fails the filters.
    assertThat(ids(out)).containsExactly("z", "c", "b", "a");
    assertThat(out.get(2).adjustments()).containsExactly("boost x3.0");
    assertThat(out.get(0).adjustments()).containsExactly("pinned at 0");
  }
}
