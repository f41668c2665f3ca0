package dev.funnel.data.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticShopTest {
  private static final SyntheticConfig SMALL = new SyntheticConfig(600, 400, 8, 25, 1.0, 0.85, 30, 7L);

  @Test
  void sameSeedGivesTheSameEvents() {
    EventTable a = new SyntheticShop(SMALL).events();
    EventTable b = new SyntheticShop(SMALL).events();
    assertThat(a.size()).isEqualTo(b.size()).isGreaterThan(600 * 3);
    for (int r = 0; r < a.size(); r++) {
      assertThat(a.user(r)).isEqualTo(b.user(r));
      assertThat(a.item(r)).isEqualTo(b.item(r));
      assertThat(a.timestamp(r)).isEqualTo(b.timestamp(r));
    }
  }

  @Test
  void popularityIsSkewedAndUsersStayInTheirCategories() {
    SyntheticShop shop = new SyntheticShop(SMALL);
    EventTable events = shop.events();
    Interactions m = events.toInteractions(DuplicatePolicy.SUM);
    int[] degree = new int[m.numItems()];
    for (int i = 0; i < m.numItems(); i++) {
      degree[i] = m.itemDegree(i);
    }
    Arrays.sort(degree);
    long top10 = 0;
    long all = 0;
    for (int k = 0; k < degree.length; k++) {
      all += degree[k];
      if (k >= degree.length * 9 / 10) {
        top10 += degree[k];
      }
    }
    // Power law: the top 10% of items hold far more than 10% of interactions.
    assertThat((double) top10 / all).isGreaterThan(0.3);
    // Tastes: a user's most frequent category covers much more than 1/categories of its events.
    double focus = 0;
    for (int u = 0; u < m.numUsers(); u++) {
      int[] perCategory = new int[SMALL.categories()];
      for (int p = m.userPtr()[u]; p < m.userPtr()[u + 1]; p++) {
        perCategory[shop.categoryOf(Integer.parseInt(events.items().external(m.userItems()[p]).substring(1)))]++;
      }
      focus += (double) Arrays.stream(perCategory).max().orElse(0) / m.userDegree(u);
    }
    assertThat(focus / m.numUsers()).isGreaterThan(2.0 / SMALL.categories());
  }

  @Test
  void timestampsIncreasePerUser() {
    EventTable events = new SyntheticShop(SMALL).events();
    for (int r = 1; r < events.size(); r++) {
      if (events.user(r) == events.user(r - 1)) {
        assertThat(events.timestamp(r)).isGreaterThan(events.timestamp(r - 1));
      }
    }
  }
}
