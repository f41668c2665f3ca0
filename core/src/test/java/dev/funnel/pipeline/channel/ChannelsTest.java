package dev.funnel.pipeline.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.pipeline.Channel;
import dev.funnel.pipeline.Fixtures;
import dev.funnel.pipeline.MapResources;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageKind;
import dev.funnel.pipeline.Stages;
import dev.funnel.recall.ModelRecommender.Scored;
import dev.funnel.store.Event;
import dev.funnel.store.catalog.ItemRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelsTest {
  private static final long NOW = Fixtures.NOW;

  private static Channel channel(MapResources res, String type, Map<String, Object> keys) {
    return (Channel) Stages.installed().create(StageKind.CHANNEL, StageConfig.of(type, keys), res);
  }

  private static List<String> items(List<Scored> s) {
    return s.stream().map(Scored::item).toList();
  }

  private static PipelineRequest user(String u) {
    return new PipelineRequest(u, null, 10, 0, List.of(), null, false, NOW);
  }

  private static PipelineRequest page(String item) {
    return new PipelineRequest(null, item, 10, 0, List.of(), null, false, NOW);
  }

  @Test
  void itemToItemExpandsTheNewestOnlineEvents() {
    MapResources res = Fixtures.world();
    OnlineRecommender rec = res.models.get("itemcf");
    // A new user clicks a music item: its ItemCF neighbours (music, then film through u4) come back.
    rec.observe(Event.of("new", "i4", "click", NOW - 1000));
    Channel i2i = channel(res, "item-to-item", Map.of("model", "itemcf"));
    List<String> got = items(i2i.recall(user("new"), 10, item -> !item.equals("i4")));
    assertThat(got).isNotEmpty();
    assertThat(got.get(0)).isEqualTo("i5");
    assertThat(got).doesNotContain("i4", "i0", "i1");
    // The filter is evaluated during selection.
    assertThat(items(i2i.recall(user("new"), 10, item -> !item.equals("i5") && !item.equals("i4")))).doesNotContain("i5");
  }

  @Test
  void triggerAgeCountsFromTheNewestEventSoOldHistoriesStillRecall() {
    MapResources res = Fixtures.world();
    OnlineRecommender rec = res.models.get("itemcf");
    long tenYears = 10L * 365 * 86_400_000L;
    // A history replayed from old data: decayed from the request time every weight would be 0.
    rec.observe(Event.of("old", "i4", "click", NOW - tenYears - 5 * 86_400_000L));
    rec.observe(Event.of("old", "i0", "click", NOW - tenYears));
    Channel i2i = channel(res, "item-to-item", Map.of("model", "itemcf"));
    List<String> got = items(i2i.recall(user("old"), 10, item -> !item.equals("i4") && !item.equals("i0")));
    // i0 is the newest trigger (weight 1), i4 five half-lives older (1/32): book neighbours first.
    assertThat(got).isNotEmpty();
    assertThat(got.get(0)).isIn("i1", "i2", "i3");
    assertThat(got).contains("i5");
  }

  @Test
  void itemToItemForAnItemPageAndForUsersOnlyTheModelKnows() {
    MapResources res = Fixtures.world();
    Channel i2i = channel(res, "item-to-item", Map.of("model", "itemcf"));
    assertThat(items(i2i.recall(page("i0"), 10, i -> !i.equals("i0")))).containsAnyOf("i1", "i2", "i3").doesNotContain("i6", "i7");
    // Unknown item, unknown user, anonymous: nothing, no error.
    assertThat(i2i.recall(page("zzz"), 10, i -> true)).isEmpty();
    assertThat(i2i.recall(user("stranger"), 10, i -> true)).isEmpty();
    // u3 has no online events: the newest items of its training row are the triggers.
    assertThat(items(i2i.recall(user("u3"), 10, i -> !i.equals("i4") && !i.equals("i5")))).contains("i6");
  }

  @Test
  void userToItemThroughTheModelAndThroughAnAnnIndex() {
    MapResources res = Fixtures.world();
    res.models.put("mf", Fixtures.online("mf", Fixtures.saved("mfbpr", Map.of("dim", "4", "epochs", "5")), res));
    Channel full = channel(res, "user-to-item", Map.of("model", "mf"));
    Channel ann = channel(res, "user-to-item", Map.of("model", "mf", "index", "flat"));
    List<Scored> a = full.recall(user("u0"), 3, i -> true);
    List<Scored> b = ann.recall(user("u0"), 3, i -> true);
    assertThat(items(b)).isEqualTo(items(a));
    assertThat(b.get(0).score()).isCloseTo(a.get(0).score(), org.assertj.core.api.Assertions.within(1e-4f));
    // Never the training row (u0: i0 i1 i2); unknown user: empty.
    assertThat(items(full.recall(user("u0"), 10, i -> true))).doesNotContain("i0", "i1", "i2");
    assertThat(ann.recall(user("stranger"), 10, i -> true)).isEmpty();
    assertThatThrownBy(() -> channel(res, "user-to-item", Map.of("model", "itemcf", "index", "hnsw")))
        .hasMessageContaining("user-to-item.model: an ANN index needs an embedding model").hasMessageContaining("model=itemcf");
    assertThatThrownBy(() -> channel(res, "user-to-item", Map.of("model", "mf", "index", "octree")))
        .hasMessageContaining("user-to-item.index: unknown index kind 'octree'");
  }

  @Test
  void popularityAndCategoryAffinity() {
    MapResources res = Fixtures.world();
    OnlineRecommender rec = res.models.get("itemcf");
    for (int n = 0; n < 3; n++) {
      rec.observe(Event.of("x" + n, "i7", "click", NOW - 1000));
    }
    rec.observe(Event.of("fan", "i4", "click", NOW - 1000));
    rec.popularity().refresh();
    Channel pop = channel(res, "popularity", Map.of());
    assertThat(items(pop.recall(user("anyone"), 2, i -> true)).get(0)).isEqualTo("i7");
    Channel cat = channel(res, "category-popularity", Map.of("categories", 1));
    // fan's only category is music: music items only, most popular first.
    List<String> music = items(cat.recall(user("fan"), 10, i -> !i.equals("i4")));
    assertThat(music).containsExactly("i5");
    assertThat(cat.recall(user("stranger"), 10, i -> true)).isEmpty();
    assertThat(items(cat.recall(page("i6"), 10, i -> true))).contains("i7");
  }

  @Test
  void contentRecallsColdItemsBySharedAttributes() {
    MapResources res = Fixtures.world();
    // A new book nobody has touched, with a tag it shares with i1 only.
    res.catalog.put("cold", new ItemRecord("cold", List.of("books"), List.of("signed"), Map.of(), true, null, null));
    res.catalog.put("i1", new ItemRecord("i1", List.of("books"), List.of("signed"), Map.of(), true, null, null));
    Channel content = channel(res, "content", Map.of());
    // Anchor i1 {c:books, t:signed}: cold shares both terms (2/sqrt2 = 1.414), the other books one (1/1).
    List<Scored> page = content.recall(page("i1"), 10, i -> !i.equals("i1"));
    assertThat(page.get(0).item()).isEqualTo("cold");
    assertThat(page.get(0).score()).isCloseTo((float) Math.sqrt(2), org.assertj.core.api.Assertions.within(1e-6f));
    assertThat(items(page)).containsExactlyInAnyOrder("cold", "i0", "i2", "i3");
    // A user who clicked a music item gets music items; nothing for users without history or unknown anchors.
    res.models.get("itemcf").observe(Event.of("fan", "i4", "click", NOW));
    assertThat(items(content.recall(user("fan"), 10, i -> !i.equals("i4")))).containsExactly("i5");
    assertThat(content.recall(user("stranger"), 10, i -> true)).isEmpty();
    assertThat(content.recall(page("zzz"), 10, i -> true)).isEmpty();
    assertThatThrownBy(() -> channel(res, "content", Map.of("fields", List.of())))
        .hasMessageContaining("content.fields: must name at least one field");
  }

  @Test
  void newItemsNewestFirstWithinTheMaxAge() {
    MapResources res = Fixtures.world();
    long day = 86_400_000L;
    res.catalog.put("fresh", new ItemRecord("fresh", List.of(), List.of(), Map.of(), true, NOW - day, null));
    res.catalog.put("week", new ItemRecord("week", List.of(), List.of(), Map.of(), true, NOW - 7 * day, null));
    res.catalog.put("old", new ItemRecord("old", List.of(), List.of(), Map.of(), true, NOW - 60 * day, null));
    res.catalog.put("future", new ItemRecord("future", List.of(), List.of(), Map.of(), true, NOW + day, null));
    Channel fresh = channel(res, "new-items", Map.of("max_age_days", 30, "half_life_days", 7));
    List<Scored> got = fresh.recall(user("anyone"), 10, i -> true);
    assertThat(items(got)).containsExactly("fresh", "week");
    // freshness 0.5^(1/7) and 0.5^(7/7)
    assertThat(got.get(0).score()).isCloseTo((float) Math.pow(0.5, 1.0 / 7), org.assertj.core.api.Assertions.within(1e-6f));
    assertThat(got.get(1).score()).isEqualTo(0.5f);
    assertThat(items(fresh.recall(user("anyone"), 10, i -> !i.equals("fresh")))).containsExactly("week");
  }
}
