package dev.funnel.recall.popular;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.RecallModelContractTest;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Popularity is not personal, so the two checkerboard expectations that need personal evidence are
 * replaced: the first unseen item is the most popular unseen one (on the checkerboard every item has
 * the same count, so ties go to the smaller id), knowsUser is true for every user (cold ones included: the global ranking serves them), and similar items are
 * simply the most popular others. Every generic check is inherited unchanged.
 */
class PopularContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "pop";
  }

  @Test
  @Override
  protected void heldOutItemRanksFirstAmongUnseen() {
    for (int u = 0; u < USERS; u++) {
      int expected = -1;
      for (int i = 0; i < ITEMS && expected < 0; i++) {
        if (!train.contains(u, i)) {
          expected = i;
        }
      }
      assertThat(model.recommend(u, 1, unseen(u)).items()).as("user %d", u).containsExactly(expected);
      assertThat(model.knowsUser(u)).isTrue();
    }
  }

  @Test
  @Override
  protected void coldUserStillGetsAFullList() {
    assertThat(model.knowsUser(coldUser)).isTrue();
    assertThat(model.recommend(coldUser, 5, ItemFilter.ALL).size()).isEqualTo(5);
  }

  @Test
  @Override
  protected void similarItemsComeFromTheSameBlockFirst() {
    for (int i = 0; i < ITEMS; i++) {
      ScoredItems s = model.similarItems(i, 3, ItemFilter.ALL);
      assertThat(s.items()).containsExactly(i == 0 ? new int[] {1, 2, 3} : i <= 2 ? new int[] {0, i == 1 ? 2 : 1, 3} : new int[] {0, 1, 2});
    }
  }

  private static Interactions smallLog() {
    EventTable e = new EventTable();
    long day = 86_400_000L;
    // item a: 3 users long ago, value 1; item b: 2 users recently, value 5; item c: 1 user now.
    e.add("u1", "a", 0, EventTable.DEFAULT_TYPE, 1f);
    e.add("u2", "a", 0, EventTable.DEFAULT_TYPE, 1f);
    e.add("u3", "a", 0, EventTable.DEFAULT_TYPE, 1f);
    e.add("u1", "b", 9 * day, EventTable.DEFAULT_TYPE, 5f);
    e.add("u2", "b", 9 * day, EventTable.DEFAULT_TYPE, 5f);
    e.add("u3", "c", 10 * day, EventTable.DEFAULT_TYPE, 1f);
    return e.toInteractions(DuplicatePolicy.MAX);
  }

  @Test
  void weightingAndDecayChangeTheRanking() {
    Interactions log = smallLog();
    MostPopular pop = new MostPopular();
    TrainContext ctx = TrainContext.defaults();
    RecallModel byUsers = pop.train(log, new PopularConfig(PopularConfig.Weighting.USERS, 0), ctx);
    assertThat(byUsers.recommend(0, 3, ItemFilter.ALL).items()).containsExactly(0, 1, 2);
    assertThat(byUsers.recommend(0, 3, ItemFilter.ALL).scores()).containsExactly(3f, 2f, 1f);
    RecallModel byValues = pop.train(log, new PopularConfig(PopularConfig.Weighting.VALUES, 0), ctx);
    assertThat(byValues.recommend(0, 3, ItemFilter.ALL).items()).containsExactly(1, 0, 2);
    // Half-life 1 day: a (10 days old) counts 3/1024, b (1 day) 2/2 = 1, c (0 days) 1.
    RecallModel decayed = pop.train(log, new PopularConfig(PopularConfig.Weighting.USERS, 1), ctx);
    ScoredItems r = decayed.recommend(0, 3, ItemFilter.ALL);
    assertThat(r.items()).containsExactly(1, 2, 0);
    assertThat(r.score(2)).isEqualTo(3f / 1024f);
  }

  @Test
  void configNamesTheBadField() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PopularConfig(PopularConfig.Weighting.USERS, -1))
        .hasMessageContaining("halfLifeDays").hasMessageContaining("-1");
  }

  @Override
  protected Map<String, String> fixtureParams() {
    return Map.of();
  }
}
