package dev.funnel.pipeline;

import static dev.funnel.pipeline.Fixtures.fixed;
import static dev.funnel.pipeline.Fixtures.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.pipeline.ads.AdsMode;
import dev.funnel.pipeline.fusion.ScoreFusion;
import dev.funnel.pipeline.stacking.StackingFeatures;
import dev.funnel.pipeline.stacking.StackingModel;
import dev.funnel.pipeline.stacking.StackingModelFile;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.store.catalog.ItemRecord;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ads mode. Fixture, checked by hand: one channel proposes x1..x7; the rank stage's pCTR and the
 * catalogue's bids are
 * <pre>
 *   item  pCTR  bid        eCPM = pCTR x bid x 1000
 *   x1    0.10  2.0        200
 *   x2    0.05  5.0        250
 *   x3    0.20  0.5        100
 *   x4    0.30  (none)     not an ad
 *   x5    0.50  0          not an ad
 *   x6    0.90  -1         not an ad
 *   x7    0.40  '3' (text) not an ad
 * </pre>
 * so the page is x2, x1, x3: x3 has the highest pCTR of the ads but the lowest bid and comes last.
 */
class PipelineAdsTest {
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r);
    t.setDaemon(true);
    return t;
  });
  private final MapResources res = new MapResources();

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private void bid(String item, Object bid) {
    Map<String, Object> attrs = bid == null ? Map.of() : Map.of("bid", bid);
    res.catalog.put(item, new ItemRecord(item, List.of(), List.of(), attrs, true, null, null));
  }

  private Pipeline pipeline(Ranker rank, Pipeline.PrerankSlot prerank) {
    bid("x1", 2.0);
    bid("x2", 5L);
    bid("x3", 0.5);
    bid("x4", null);
    bid("x5", 0L);
    bid("x6", -1L);
    bid("x7", "3");
    List<Pipeline.ChannelSlot> slots = List.of(new Pipeline.ChannelSlot(fixed("a", "x1", "x2", "x3", "x4", "x5", "x6", "x7"), 10, 2_000));
    return new Pipeline("ads", slots, 100, 1, List.of(), rank, List.of(), res, pool, prerank, new AdsMode("bid", res));
  }

  private static PipelinePrerankTest.TableRanker pctr() {
    return new PipelinePrerankTest.TableRanker(Map.of("x1", 0.10f, "x2", 0.05f, "x3", 0.20f, "x4", 0.30f, "x5", 0.50f, "x6", 0.90f, "x7", 0.40f));
  }

  private static PipelineRequest request(int k, boolean debug) {
    return new PipelineRequest("u", null, k, 0, List.of(), null, debug, 0);
  }

  @Test
  void adsAreOrderedByEcpmAndOnlyItemsWithAPositiveBidAreAds() {
    PipelinePrerankTest.TableRanker rank = pctr();
    PipelineResult r = pipeline(rank, null).run(request(10, true));
    assertThat(ids(r.items())).containsExactly("x2", "x1", "x3");
    // The rank stage only ever saw ads: the bid test is a filter pushed into the channel.
    assertThat(rank.calls).containsExactly(List.of("x1", "x2", "x3"));
    Candidate x2 = r.items().get(0);
    assertThat(x2.isAd()).isTrue();
    assertThat(x2.pctr()).isEqualTo(0.05f);
    assertThat(x2.bid()).isEqualTo(5.0);
    assertThat(x2.ecpm()).isCloseTo(250.0, within(1e-3));
    assertThat(x2.score()).isCloseTo(250f, within(1e-3f));
    assertThat(r.items().get(1).ecpm()).isCloseTo(200.0, within(1e-3));
    assertThat(r.items().get(2).ecpm()).isCloseTo(100.0, within(1e-3));
    // x3: higher pCTR than x1 and x2, lower bid, placed below both.
    assertThat(r.items().get(2).pctr()).isGreaterThan(r.items().get(0).pctr()).isGreaterThan(r.items().get(1).pctr());
    assertThat(r.ranking()).isEqualTo("ecpm:table");
    assertThat(r.trace().ranking()).isEqualTo("ecpm:table");
    assertThat(r.trace().rejected()).containsEntry("ads:no-bid", 4);
    assertThat(r.trace().stages()).extracting(Trace.StageStep::stage).containsSubsequence("rank", "ads:ecpm");
    assertThat(r.trace().items().get(0).adjustments()).containsExactly("ecpm: pctr 0.050000 x bid 5.0 x 1000 = 250.0000");
  }

  @Test
  void theBidFilterKeepsThePageFullWhileAdsRemain() {
    // k = 2 with over_fetch 1 and quota 2: a filter applied after recall would leave x1 alone (x4.. rejected);
    // pushed down, the channel skips the non-ads and fills its quota with ads.
    bid("x1", 2.0);
    bid("x4", null);
    bid("x5", 0L);
    bid("x8", 1.0);
    List<Pipeline.ChannelSlot> slots = List.of(new Pipeline.ChannelSlot(fixed("a", "x4", "x5", "x1", "x8"), 2, 2_000));
    Pipeline p = new Pipeline("ads", slots, 2, 1, List.of(), pctr(), List.of(), res, pool, null, new AdsMode("bid", res));
    assertThat(ids(p.run(request(2, false)).items())).containsExactlyInAnyOrder("x1", "x8");
  }

  @Test
  void adsApplyAfterThePrerankBlockWise() {
    // Pre-rank by RRF over the one channel keeps its order: x1, x2 reach the rank stage (keep 2), x3 does not.
    Pipeline p = pipeline(pctr(), new Pipeline.PrerankSlot(new ScoreFusion(ScoreFusion.Method.RRF, 60, Map.of()), 2));
    assertThat(ids(p.run(request(2, false)).items())).containsExactly("x2", "x1");
    // The next page ranks the next block.
    assertThat(ids(p.run(new PipelineRequest("u", null, 2, 2, List.of(), null, false, 0)).items())).containsExactly("x3");
  }

  @Test
  void aChannelIgnoringTheFiltersCannotSneakInANonAd() {
    Channel rude = new Channel() {
      @Override
      public String name() {
        return "rude";
      }

      @Override
      public List<dev.funnel.recall.ModelRecommender.Scored> recall(PipelineRequest request, int limit, java.util.function.Predicate<String> ok) {
        return List.of(new dev.funnel.recall.ModelRecommender.Scored("x4", 9), new dev.funnel.recall.ModelRecommender.Scored("x1", 8));
      }
    };
    bid("x1", 2.0);
    bid("x4", null);
    Pipeline p = new Pipeline("ads", List.of(new Pipeline.ChannelSlot(rude, 10, 2_000)), 10, 1, List.of(), pctr(), List.of(), res, pool, null,
        new AdsMode("bid", res));
    PipelineResult r = p.run(request(5, true));
    assertThat(ids(r.items())).containsExactly("x1");
    assertThat(r.trace().rejected()).containsEntry("after-merge", 1);
  }

  @Test
  void theBidAttributeIsConfigurable() {
    res.catalog.put("x1", new ItemRecord("x1", List.of(), List.of(), Map.of("cpc", 0.25), true, null, null));
    AdsMode ads = AdsMode.read(Map.of("bid", "cpc"), res);
    assertThat(ads.attribute()).isEqualTo("cpc");
    assertThat(ads.bid("x1")).isEqualTo(0.25);
    assertThat(ads.isAd("x1")).isTrue();
    assertThat(ads.bid("unknown")).isNaN();
    assertThat(AdsMode.read(true, res).attribute()).isEqualTo("bid");
    assertThat(AdsMode.read(Map.of(), res).attribute()).isEqualTo("bid");
    assertThat(AdsMode.ecpm(0.02, 1.5)).isCloseTo(30.0, within(1e-9));
  }

  @Test
  void adsNeedAProbabilisticRankStage() {
    assertThatThrownBy(() -> new Pipeline("ads", List.of(new Pipeline.ChannelSlot(fixed("a", "x1"), 10, 2_000)), 10, 1, List.of(),
        new ScoreFusion(ScoreFusion.Method.RRF, 60, Map.of()), List.of(), res, pool, null, new AdsMode("bid", res)))
        .hasMessageContaining("needs a rank stage whose score is a probability").hasMessageContaining("ranking=fusion:rrf");
  }

  // ---- scene files

  private final MapResources world = Fixtures.world();
  private final SceneBuilder builder = new SceneBuilder(Stages.installed(), world, pool);

  /** An LR stacking model over channels i2i and popularity (proposed by i2i: relevant). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Path writeRanker(Path file) throws Exception {
    StackingFeatures features = new StackingFeatures(List.of("i2i", "popularity"));
    int n = 200;
    int[] rowPtr = new int[n + 1];
    int[] feats = new int[n];
    float[] values = new float[n];
    float[] labels = new float[n];
    for (int r = 0; r < n; r++) {
      boolean i2i = r % 2 == 0;
      feats[r] = i2i ? 0 : 15;
      values[r] = 1f;
      labels[r] = i2i ? 1f : 0f;
      rowPtr[r + 1] = r + 1;
    }
    SampleBatch batch = new SampleBatch(features.fields(), rowPtr, feats, values, labels, null, null);
    RankAlgorithm lr = Registry.rank("lr");
    RankModel model = lr.fit((Record) lr.defaultConfig(), batch, batch, TrainContext.defaults());
    StackingModelFile.write(file, new StackingModel(features, model, n, n / 2));
    return file;
  }

  private Map<String, Object> scene(Object rank, Object ads) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("budget", 50);
    s.put("channels", List.of(Map.of("name", "i2i", "type", "item-to-item", "model", "itemcf", "quota", 20),
        Map.of("type", "popularity", "quota", 10)));
    s.put("rank", rank);
    s.put("ads", ads);
    return s;
  }

  private void fails(Map<String, Object> scene, String... parts) {
    assertThatThrownBy(() -> builder.build("scenes/ads.yaml", scene)).isInstanceOf(SceneException.class).satisfies(e -> {
      for (String part : parts) {
        assertThat(e.getMessage()).contains(part);
      }
    });
  }

  @Test
  void anAdsSceneFileServesByEcpm() throws Exception {
    Path ranker = writeRanker(dir.resolve("ads.fnls"));
    // Bids on the fixture's catalogue: music i4 and i5 bid, books only i2.
    world.catalog.put("i2", new ItemRecord("i2", List.of("books"), List.of(), Map.of("bid", 1.0), true, null, null));
    world.catalog.put("i4", new ItemRecord("i4", List.of("music"), List.of(), Map.of("bid", 3L), true, null, null));
    world.catalog.put("i5", new ItemRecord("i5", List.of("music"), List.of(), Map.of("bid", 0.5), true, null, null));
    Pipeline p = builder.build("scenes/ads.yaml", scene(Map.of("type", "model-ranker", "file", ranker.toString()), Map.of("bid", "bid")));
    assertThat(p.ads().attribute()).isEqualTo("bid");
    assertThat(p.ranking()).isEqualTo("ecpm:stacking:lr");
    PipelineResult r = p.run(new PipelineRequest("u3", null, 10, 0, List.of(), null, true, Fixtures.NOW));
    assertThat(r.items()).isNotEmpty().allMatch(c -> List.of("i2", "i4", "i5").contains(c.item())).allMatch(Candidate::isAd);
    for (int i = 0; i < r.items().size(); i++) {
      Candidate c = r.items().get(i);
      assertThat(c.pctr()).isBetween(0f, 1f);
      assertThat(c.ecpm()).isCloseTo(c.pctr() * c.bid() * 1000, within(1e-3));
      if (i > 0) {
        assertThat(c.ecpm()).isLessThanOrEqualTo(r.items().get(i - 1).ecpm());
      }
    }
  }

  @Test
  void badAdsConfigNamesFileKeyAndValue() throws Exception {
    fails(scene(Map.of("type", "fusion"), Map.of("bid", "bid")),
        "scenes/ads.yaml: ads: ads mode orders by eCPM = pCTR x bid x 1000 and needs a rank stage whose score is a probability (pCTR)",
        "rank 'fusion:rrf' is not");
    fails(scene(null, Map.of()), "ads mode orders by eCPM", "rank 'fusion:rrf' is not");
    String file = writeRanker(dir.resolve("ads.fnls")).toString();
    Map<String, Object> rank = Map.of("type", "model-ranker", "file", file);
    fails(scene(rank, Map.of("bid", 3)), "scenes/ads.yaml: ads.bid: must be a non-empty string; bid=3");
    fails(scene(rank, Map.of("bid", "bid", "floor", 2)), "scenes/ads.yaml: ads.floor: unknown key 'floor' for ads; valid keys: [bid]; floor=2");
    fails(scene(rank, Map.of("type", "ecpm")), "ads.type: unknown key 'type' for ads");
    fails(scene(rank, "yes"), "scenes/ads.yaml: ads: must be a mapping such as {bid: bid}", "ads=yes");
  }
}
