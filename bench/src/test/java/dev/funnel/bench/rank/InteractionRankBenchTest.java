package dev.funnel.bench.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InteractionRankBenchTest {

  @Test
  void gaucDifferenceIsTheImpressionWeightedDifferenceOfPerUserAucs() {
    // user 7: 4 rows, a ranks perfectly (AUC 1), b inverts one pair of four (AUC 0.75)
    // user 8: 2 rows, a inverted (AUC 0), b perfect (AUC 1); user 9: one class, skipped
    float[] labels = {1, 1, 0, 0, 1, 0, 1, 1};
    int[] groups = {7, 7, 7, 7, 8, 8, 9, 9};
    float[] a = {0.9f, 0.8f, 0.2f, 0.1f, 0.1f, 0.9f, 0.5f, 0.5f};
    float[] b = {0.9f, 0.3f, 0.4f, 0.1f, 0.9f, 0.1f, 0.5f, 0.5f};
    // by hand: (4 (1 - 0.75) + 2 (0 - 1)) / 6 = -1/6
    Map<String, Object> d = InteractionRankBench.gaucDifference(a, b, labels, groups, 42);
    assertThat((double) d.get("difference")).isCloseTo(-1.0 / 6, within(1e-12));
    assertThat((int) d.get("users")).isEqualTo(2);
    // resampling two users: the extremes are both user 7 (+0.25) and both user 8 (-1)
    assertThat((double) d.get("ci95_low")).isGreaterThanOrEqualTo(-1.0);
    assertThat((double) d.get("ci95_high")).isLessThanOrEqualTo(0.25);
    assertThat((double) d.get("ci95_low")).isLessThanOrEqualTo((double) d.get("ci95_high"));
  }
}
