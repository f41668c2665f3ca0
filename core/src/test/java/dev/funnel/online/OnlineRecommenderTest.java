package dev.funnel.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.recall.ModelRecommender;
import dev.funnel.recall.ModelRecommender.Fallback;
import dev.funnel.recall.ModelRecommender.Result;
import dev.funnel.recall.ModelRecommender.Scored;
import dev.funnel.store.Event;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every event changes the very next recommendation (fixture: see {@link Fixture}). */
class OnlineRecommenderTest {
  private final Fixture.Clock clock = new Fixture.Clock(10_000L);

  private OnlineRecommender online(OnlineRecommender.ColdStart coldStart) {
    OnlineRecommender.Config d = OnlineRecommender.Config.defaults();
    OnlineRecommender.Config c = new OnlineRecommender.Config(d.users(), new PopularityCounters.Config(1000L, 0L, 100, false), 1000L, coldStart,
        true, 1000);
    return new OnlineRecommender("itemcf", Fixture.itemcf(), EventTypes.defaults(), c,
        item -> Set.of(item.compareTo("c") <= 0 ? "abc" : "rest"), clock);
  }

  private static List<String> ids(Result r) {
    return r.items().stream().map(Scored::item).toList();
  }

  private void observe(OnlineRecommender o, String user, String item, String type, long ts) {
    o.observe(Event.of(user, item, type, ts));
  }

  @Test
  void withoutEventsItEqualsTheModelRecommender() {
    OnlineRecommender o = online(OnlineRecommender.ColdStart.GLOBAL);
    ModelRecommender m = new ModelRecommender("itemcf", o.saved());
    for (String u : List.of("u1", "u2", "u3", "u4", "u5", "stranger")) {
      for (int k = 1; k <= 5; k++) {
        assertThat(o.recommend(u, k, List.of("b"))).as("%s k=%d", u, k).isEqualTo(m.recommend(u, k, List.of("b")));
      }
    }
  }

  @Test
  void aSeenItemLeavesAtOnceAndBecomesATrigger() {
    OnlineRecommender o = online(OnlineRecommender.ColdStart.GLOBAL);
    Result before = o.recommend("u4", 2, List.of());
    assertThat(ids(before)).containsExactly("b", "c");
    assertThat((double) before.items().get(0).score()).isCloseTo(Fixture.SIM_AB, within(1e-6));
    observe(o, "u4", "b", "click", clock.now);
    Result after = o.recommend("u4", 2, List.of());
    // b is gone; c = sim(a,c) from training + 1 * sim(b,c) from the fresh click; then popular d.
    assertThat(ids(after)).containsExactly("c", "d");
    assertThat((double) after.items().get(0).score()).isCloseTo(Fixture.SIM_AC + Fixture.SIM_BC, within(1e-6));
    assertThat(after.fallback()).isEqualTo(Fallback.NONE);
  }

  @Test
  void negativeFeedbackHidesAtOnce() {
    OnlineRecommender o = online(OnlineRecommender.ColdStart.GLOBAL);
    observe(o, "u4", "c", "dislike", clock.now);
    assertThat(ids(o.recommend("u4", 2, List.of()))).containsExactly("b", "d");
    observe(o, "u4", "b", "hide", clock.now);
    assertThat(ids(o.recommend("u4", 2, List.of()))).containsExactly("d", "e");
    // A negative item is never a trigger and never counted.
    assertThat(o.popularity().count(o.items().get("b"))).isEqualTo(3.0);
  }

  @Test
  void aNewUserGetsPersonalResultsFromTheFirstClick() {
    OnlineRecommender o = online(OnlineRecommender.ColdStart.GLOBAL);
    Result cold = o.recommend("newbie", 2, List.of());
    assertThat(cold.fallback()).isEqualTo(Fallback.POPULARITY);
    assertThat(ids(cold)).containsExactly("a", "b"); // degrees 3, 3: ties by id
    observe(o, "newbie", "c", "click", clock.now);
    Result warm = o.recommend("newbie", 2, List.of());
    assertThat(warm.fallback()).isEqualTo(Fallback.NONE);
    // Triggers {c}: b = sim(b,c) = 2/sqrt6 > a = sim(a,c) = 1/sqrt6.
    assertThat(ids(warm)).containsExactly("b", "a");
    assertThat((double) warm.items().get(0).score()).isCloseTo(Fixture.SIM_BC, within(1e-6));
    assertThat((double) warm.items().get(1).score()).isCloseTo(Fixture.SIM_AC, within(1e-6));
  }

  @Test
  void triggerWeightsDecayWithAgeAndScaleWithTheType() {
    OnlineRecommender o = online(OnlineRecommender.ColdStart.GLOBAL);
    // Half-life 1000 ms; now = 10,000. Click a 2000 ms ago: 1 * 0.25. Purchase c 1000 ms ago: 4 * 0.5 = 2.
    observe(o, "n", "a", "click", 8_000L);
    Result one = o.recommend("n", 1, List.of());
    assertThat(ids(one)).containsExactly("b");
    assertThat((double) one.items().get(0).score()).isCloseTo(0.25 * Fixture.SIM_AB, within(1e-6));
    observe(o, "n", "c", "purchase", 9_000L);
    Result two = o.recommend("n", 1, List.of());
    assertThat(ids(two)).containsExactly("b");
    assertThat((double) two.items().get(0).score()).isCloseTo(0.25 * Fixture.SIM_AB + 2 * Fixture.SIM_BC, within(1e-6));
    // A rating weighs its value; an impression is no trigger and no seen item.
    observe(o, "r", "d", "impression", clock.now);
    assertThat(o.recommend("r", 1, List.of()).fallback()).isEqualTo(Fallback.POPULARITY);
    o.observe(new Event(null, "r", "d", "rating", clock.now, 3f, null, Map.of()));
    Result rated = o.recommend("r", 1, List.of());
    assertThat(ids(rated)).containsExactly("e");
    assertThat(rated.items().get(0).score()).isEqualTo(3f); // 3 * sim(d,e) = 3 * 1
  }

  @Test
  void popularityAndTrendingMoveWithEventsAndNewItemsJoin() {
    OnlineRecommender o = online(OnlineRecommender.ColdStart.TRENDING);
    // No live events yet: trending is empty, topped up with global counts.
    assertThat(ids(o.recommend("cold", 3, List.of()))).containsExactly("a", "b", "c");
    int z = o.addItem("z");
    assertThat(ids(o.recommend("cold", 6, List.of()))).containsExactly("a", "b", "c", "d", "e", "z");
    observe(o, "x1", "z", "click", clock.now);
    observe(o, "x2", "e", "purchase", clock.now - 3000); // 4 * 0.125 = 0.5 < 1
    assertThat(ids(o.recommend("cold", 3, List.of()))).containsExactly("z", "e", "a");
    assertThat(o.popularity().trending(z, clock.now)).isEqualTo(1.0);
    assertThat(o.popularity().categoryCount("rest")).isEqualTo(5.0);
    // A brand-new item straight from an event.
    for (int n = 0; n < 5; n++) {
      observe(o, "y" + n, "fresh", "click", clock.now);
    }
    assertThat(ids(o.recommend("cold", 1, List.of()))).containsExactly("fresh");
    OnlineRecommender g = online(OnlineRecommender.ColdStart.GLOBAL);
    for (int n = 0; n < 5; n++) {
      observe(g, "y" + n, "fresh", "click", clock.now);
    }
    assertThat(ids(g.recommend("cold", 2, List.of()))).containsExactly("fresh", "a");
    assertThat(ids(g.recommend("y0", 2, List.of()))).as("an unknown item is never a trigger: popularity, without fresh")
        .containsExactly("a", "b");
  }

  @Test
  void unavailableItemsNeverAppear() {
    OnlineRecommender o = online(OnlineRecommender.ColdStart.GLOBAL);
    o.setAvailabilityByExternalId(item -> !item.equals("b"));
    assertThat(ids(o.recommend("u4", 3, List.of()))).containsExactly("c", "d", "e");
    assertThat(ids(o.recommend("cold", 2, List.of()))).containsExactly("a", "c");
    observe(o, "n", "a", "click", clock.now);
    assertThat(ids(o.recommend("n", 1, List.of()))).containsExactly("c");
    int c = o.items().get("c");
    o.setAvailability(id -> id != c);
    assertThat(ids(o.recommend("n", 2, List.of()))).containsExactly("b", "d");
  }

  @Test
  void forgetErasesTheUsersOnlineState() {
    OnlineRecommender o = online(OnlineRecommender.ColdStart.GLOBAL);
    observe(o, "n", "a", "click", clock.now);
    observe(o, "n", "d", "dislike", clock.now);
    assertThat(o.recommend("n", 1, List.of()).fallback()).isEqualTo(Fallback.NONE);
    assertThat(o.forget("n")).isTrue();
    Result r = o.recommend("n", 5, List.of());
    assertThat(r.fallback()).isEqualTo(Fallback.POPULARITY);
    assertThat(ids(r)).contains("a", "d");
    assertThat(o.users().snapshot("n")).isSameAs(UserHistory.EMPTY);
    assertThat(o.users().memoryBytes()).isZero();
  }

  @Test
  void aSwappedModelKeepsTheOnlineStateAndTranslatesIds() {
    OnlineRecommender o = online(OnlineRecommender.ColdStart.GLOBAL);
    observe(o, "n", "new-item", "click", clock.now);
    observe(o, "n", "c", "click", clock.now);
    // The same model trained with other dense ids (d=0, e=1, c=2, b=3, a=4) maps through the registry.
    dev.funnel.recall.SavedModel saved = Fixture.itemcf(true);
    assertThat(saved.items().get("a")).isEqualTo(4);
    o.swapModel("itemcf-2", saved);
    assertThat(o.name()).isEqualTo("itemcf-2");
    Result r = o.recommend("n", 2, List.of());
    assertThat(ids(r)).containsExactly("b", "a");
    assertThat((double) r.items().get(0).score()).isCloseTo(Fixture.SIM_BC, within(1e-6));
    // Training rows and the seen filter follow the new ids too.
    assertThat(ids(o.recommend("u4", 2, List.of("c")))).containsExactly("b", "d");
    observe(o, "u4", "b", "click", clock.now);
    assertThat(ids(o.recommend("u4", 2, List.of()))).containsExactly("c", "d");
    // Counts kept across the swap: b 3+1, a 3, c 2+1 (ties by online id: a before c).
    assertThat(ids(o.recommend("cold", 3, List.of()))).containsExactly("b", "a", "c");
  }

  @Test
  void aPreparedModelSwapsInLaterAndTheOneSwappedOutSwapsBack() {
    OnlineRecommender o = online(OnlineRecommender.ColdStart.GLOBAL);
    Result first = o.recommend("u4", 2, List.of());
    OnlineRecommender.Prepared original = o.serving();
    OnlineRecommender.Prepared other = o.prepare("itemcf-2", Fixture.itemcf(true));
    assertThat(o.name()).isEqualTo("itemcf"); // preparing serves nothing yet
    // An item registered after the preparation is unknown to the prepared model, as to its model.
    observe(o, "n", "late-item", "click", clock.now);
    observe(o, "n", "c", "click", clock.now);
    o.swapModel(other);
    assertThat(o.name()).isEqualTo("itemcf-2");
    assertThat(ids(o.recommend("n", 2, List.of()))).containsExactly("b", "a").doesNotContain("late-item");
    assertThat(ids(o.recommend("u4", 2, List.of()))).containsExactly("b", "c");
    o.swapModel(original);
    assertThat(o.name()).isEqualTo("itemcf");
    assertThat(o.recommend("u4", 2, List.of())).isEqualTo(first);
    OnlineRecommender stranger = online(OnlineRecommender.ColdStart.GLOBAL);
    assertThatThrownBy(() -> stranger.swapModel(other)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model 'itemcf-2' was prepared by another recommender");
  }

  @Test
  void badEventsChangeNothing() {
    OnlineRecommender o = online(OnlineRecommender.ColdStart.GLOBAL);
    assertThatThrownBy(() -> observe(o, "n", "a", "teleport", 0L)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown event type 'teleport'; valid types: impression, view, click");
    assertThatThrownBy(() -> observe(o, "n", "zz", "rating", 0L)).hasMessageContaining("value=absent");
    assertThat(o.items().get("zz")).isEqualTo(-1);
    assertThat(o.users().size()).isZero();
    assertThatThrownBy(() -> o.recommend("n", 0, List.of())).hasMessage("k must be >= 1; k=0");
  }
}
