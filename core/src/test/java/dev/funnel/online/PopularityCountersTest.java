package dev.funnel.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.recall.ItemFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

class PopularityCountersTest {
  private static PopularityCounters counters(Fixture.Clock clock, long staleness, int depth) {
    return new PopularityCounters(new PopularityCounters.Config(1000L, staleness, depth, false),
        item -> List.of(item % 2 == 0 ? "even" : "odd"), clock);
  }

  @Test
  void decayMatchesTheFormulaIncludingLateEvents() {
    Fixture.Clock clock = new Fixture.Clock(0);
    PopularityCounters p = counters(clock, 0, 10);
    p.record(0, 1f, 0L);
    p.record(0, 1f, 1000L); // 1 * 0.5^(1000/1000) + 1 = 1.5 at t=1000
    assertThat(p.trending(0, 1000L)).isCloseTo(1.5, within(1e-12));
    assertThat(p.trending(0, 3000L)).isCloseTo(1.5 * 0.25, within(1e-12));
    p.record(0, 2f, 0L); // late: adds 2 * 0.5^(1000/1000) = 1 at t=1000
    assertThat(p.trending(0, 1000L)).isCloseTo(2.5, within(1e-12));
    assertThat(p.trending(0, 1500L)).isCloseTo(2.5 * Math.pow(0.5, 0.5), within(1e-12));
    assertThat(p.count(0)).isEqualTo(4.0);
    assertThat(p.trending(1, 1000L)).isZero();
  }

  /** Hand-checked: 1 at t=0, 1 at t=1000, 2 at t=2000 (trend 0.25 + 0.5 + 2 = 2.75 at t=2000); taking back each in turn. */
  @Test
  void unrecordTakesBackExactlyOneEventsShare() {
    Fixture.Clock clock = new Fixture.Clock(0);
    PopularityCounters p = counters(clock, 0, 10);
    p.record(0, 1f, 0L);
    p.record(0, 1f, 1000L);
    p.record(0, 2f, 2000L);
    assertThat(p.trending(0, 2000L)).isCloseTo(2.75, within(1e-12));
    assertThat(p.categoryCount("even")).isEqualTo(4.0);
    p.unrecord(0, 1f, 1000L); // its share at t=2000 is 0.5
    assertThat(p.trending(0, 2000L)).isCloseTo(2.25, within(1e-12));
    assertThat(p.count(0)).isEqualTo(3.0);
    assertThat(p.categoryCount("even")).isEqualTo(3.0);
    p.unrecord(0, 2f, 2000L);
    p.unrecord(0, 1f, 0L);
    assertThat(p.count(0)).isZero();
    assertThat(p.trending(0, 2000L)).isCloseTo(0.0, within(1e-12));
    p.unrecord(0, 1f, 0L); // never below zero
    assertThat(p.count(0)).isZero();
    p.unrecord(7, 1f, 0L); // an item never counted: nothing
    assertThatThrownBy(() -> p.unrecord(0, -1f, 0L)).hasMessageContaining("weight=-1.0");
  }

  @Test
  void trendingAndGlobalMoveWithEvents() {
    Fixture.Clock clock = new Fixture.Clock(5000);
    PopularityCounters p = counters(clock, 0, 10);
    for (int n = 0; n < 3; n++) {
      p.record(1, 1f, 0L);
    }
    p.record(2, 1f, 5000L);
    p.register(3);
    // Global: 1 (3), 2 (1), then 0 and 3 (0: registered, never seen); trending at 5000: 2 (1) > 1 (3/32).
    assertThat(p.topGlobal(4, ItemFilter.ALL).items()).containsExactly(1, 2, 0, 3);
    assertThat(p.topTrending(3, ItemFilter.ALL).items()).containsExactly(2, 1);
    assertThat((double) p.topTrending(3, ItemFilter.ALL).score(1)).isCloseTo(3.0 / 32, within(1e-7));
    p.record(3, 4f, 5000L);
    assertThat(p.topGlobal(3, ItemFilter.ALL).items()).containsExactly(3, 1, 2);
    assertThat(p.topTrending(1, ItemFilter.ALL).items()).containsExactly(3);
    assertThat(p.topGlobal(3, item -> item != 3).items()).containsExactly(1, 2, 0);
    // Categories: odd = {1, 3}, even = {0, 2}.
    assertThat(p.categoryCount("odd")).isEqualTo(7.0);
    assertThat(p.categoryCount("even")).isEqualTo(1.0);
    assertThat(p.topInCategory("odd", 5, ItemFilter.ALL).items()).containsExactly(3, 1);
    assertThat(p.topInCategory("even", 5, ItemFilter.ALL).items()).containsExactly(2, 0);
    assertThat(p.topInCategory("none", 5, ItemFilter.ALL).size()).isZero();
  }

  @Test
  void snapshotsAreAtMostMaxStalenessOld() {
    Fixture.Clock clock = new Fixture.Clock(0);
    PopularityCounters p = counters(clock, 1000, 10);
    p.record(1, 1f, 0L);
    assertThat(p.topGlobal(1, ItemFilter.ALL).items()).containsExactly(1);
    p.record(5, 10f, 0L);
    clock.now = 999;
    assertThat(p.topGlobal(1, ItemFilter.ALL).items()).as("within the staleness bound the old snapshot serves").containsExactly(1);
    clock.now = 1000;
    assertThat(p.topGlobal(1, ItemFilter.ALL).items()).as("at the bound the update is visible").containsExactly(5);
    assertThat(p.snapshotTime()).isEqualTo(1000L);
    // Without updates the snapshot is kept however old (decay alone never changes the order).
    clock.now = 1_000_000;
    p.topGlobal(1, ItemFilter.ALL);
    assertThat(p.snapshotTime()).isEqualTo(1000L);
  }

  @Test
  void aBackgroundRebuildServesThePreviousSnapshotUntilItLands() throws InterruptedException {
    Fixture.Clock clock = new Fixture.Clock(0);
    PopularityCounters p = new PopularityCounters(new PopularityCounters.Config(1000L, 0L, 10, true), null, clock);
    p.record(1, 1f, 0L);
    assertThat(p.topGlobal(1, ItemFilter.ALL).items()).as("the first snapshot is built in place").containsExactly(1);
    p.record(2, 5f, 0L);
    clock.now = 1;
    // This query starts the rebuild; it or a later one sees item 2 once the rebuild lands.
    long deadline = System.nanoTime() + 30_000_000_000L;
    int[] top = p.topGlobal(1, ItemFilter.ALL).items();
    while (top[0] != 2 && System.nanoTime() < deadline) {
      Thread.sleep(1);
      top = p.topGlobal(1, ItemFilter.ALL).items();
    }
    assertThat(top).containsExactly(2);
    assertThat(p.snapshotTime()).isEqualTo(1L);
  }

  @Test
  void aFilterThatExhaustsTheSnapshotFallsBackToAnExactScan() {
    Fixture.Clock clock = new Fixture.Clock(0);
    PopularityCounters p = counters(clock, 0, 2);
    for (int i = 0; i < 10; i++) {
      p.record(i, 10 - i, 0L);
    }
    assertThat(p.topGlobal(3, item -> item >= 5).items()).containsExactly(5, 6, 7);
    assertThat(p.topTrending(2, item -> item >= 8).items()).containsExactly(8, 9);
    assertThat(p.topInCategory("even", 5, ItemFilter.ALL).items()).as("category lists stop at the depth").containsExactly(0, 2);
  }

  @Test
  void idsGrowAtAnyTime() {
    PopularityCounters p = counters(new Fixture.Clock(0), 0, 5);
    p.record(100_000, 2f, 0L);
    assertThat(p.size()).isEqualTo(100_001);
    assertThat(p.count(100_000)).isEqualTo(2.0);
    assertThat(p.count(5_000_000)).isZero();
    assertThat(p.topGlobal(1, ItemFilter.ALL).items()).containsExactly(100_000);
    assertThatThrownBy(() -> p.record(1, 0f, 0L)).hasMessage("popularity weight must be finite and positive; weight=0.0");
    assertThatThrownBy(() -> p.record(-1, 1f, 0L)).hasMessage("item id must be >= 0; item=-1");
  }
}
