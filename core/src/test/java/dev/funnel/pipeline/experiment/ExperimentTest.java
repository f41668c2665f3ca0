package dev.funnel.pipeline.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExperimentTest {
  @Test
  void bucketsAreStableAndSplitTraffic() {
    // FNV-1a 64 is fixed: the same user lands in the same bucket on every run and server.
    assertThat(Experiment.bucket("exp", "u1")).isEqualTo(Experiment.bucket("exp", "u1"));
    int[] counts = new int[100];
    for (int u = 0; u < 20_000; u++) {
      counts[Experiment.bucket("exp", "user" + u)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(120, 290); // 200 expected per bucket
    }
    // different experiments split independently
    int same = 0;
    for (int u = 0; u < 1000; u++) {
      same += Experiment.bucket("a", "u" + u) < 50 == Experiment.bucket("b", "u" + u) < 50 ? 1 : 0;
    }
    assertThat(same).isBetween(400, 600);
  }

  @Test
  void splitMustSumTo100() {
    assertThatThrownBy(() -> new Experiment("s", "e", java.util.List.of("a", "b"), java.util.Arrays.asList(null, null), new int[] {50, 40}))
        .hasMessageContaining("sum=90");
  }
}
