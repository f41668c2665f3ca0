package dev.funnel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DatasetStatsTest {
  /**
   * 4 users, 4 items. Train: a-{x,y,z}, b-{x,y}, c-{x}; test: d-{x}. Item popularity x=4, y=2,
   * z=1, w=0 (w only in the map). Users: a 3, b 2, c 1, d 1.
   */
  private static Dataset fixture() {
    EventTable t = new EventTable();
    t.add("a", "x", 1000, "v", 1);
    t.add("a", "y", 2000, "v", 1);
    t.add("a", "z", 3000, "v", 1);
    t.add("b", "x", 1000, "v", 1);
    t.add("b", "y", 1000, "v", 1);
    t.add("c", "x", 5000, "v", 1);
    t.items().getOrAdd("w");
    EventTable test = t.emptyLike(4);
    test.add("d", "x", 9000, "v", 1);
    return Dataset.of("tiny", t, test, DuplicatePolicy.KEEP_LAST, null, null);
  }

  @Test
  void handComputedNumbers() {
    DatasetStats s = DatasetStats.of(fixture());
    assertThat(s.users()).isEqualTo(4);
    assertThat(s.items()).isEqualTo(4);
    assertThat(s.interactions()).isEqualTo(7);
    assertThat(s.trainInteractions()).isEqualTo(6);
    assertThat(s.testInteractions()).isEqualTo(1);
    assertThat(s.density()).isCloseTo(7 / 16.0, within(1e-12));
    // Gini over ascending (0,1,2,4), n=4, sum 7: sum (2i-n-1) x_i = (-3*0)+(-1*1)+(1*2)+(3*4) = 13 -> 13/28
    assertThat(s.itemGini()).isCloseTo(13 / 28.0, within(1e-12));
    // top 1% and top 10% of 4 items are both ceil -> 1 item: x with 4 of 7
    assertThat(s.top1PercentShare()).isCloseTo(4 / 7.0, within(1e-12));
    assertThat(s.top10PercentShare()).isCloseTo(4 / 7.0, within(1e-12));
    // users sorted 1,1,2,3: p25 = 1st, p50 = 2nd, p75 = 3rd, p90/p99 = 4th (nearest rank)
    assertThat(s.perUser()).isEqualTo(new DatasetStats.Percentiles(1, 1, 1, 2, 3, 3, 3, 7 / 4.0));
    assertThat(s.perItem()).isEqualTo(new DatasetStats.Percentiles(0, 0, 1, 2, 4, 4, 4, 7 / 4.0));
    assertThat(s.minTime()).isEqualTo(1000);
    assertThat(s.maxTime()).isEqualTo(9000);
    assertThat(s.rows()).anySatisfy(r -> assertThat(r).containsExactly("users", "4"));
    assertThat(s.rows()).anySatisfy(r -> assertThat(r[0]).isEqualTo("time range"));
    assertThat(s.toMap()).containsEntry("interactions", 7L).containsKey("perUser");
  }

  @Test
  void noTimeRangeWithoutTimestamps() {
    EventTable t = new EventTable();
    t.add("a", "x", 0, "v", 1);
    DatasetStats s = DatasetStats.of(Dataset.of("t", t, null, DuplicatePolicy.SUM, null, null));
    assertThat(s.hasTime()).isFalse();
    assertThat(s.toMap()).doesNotContainKey("minTime");
    assertThat(s.itemGini()).isZero();
  }
}
