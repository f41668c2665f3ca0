package dev.funnel.rank.multitask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.rank.eval.RankMetrics;
import dev.funnel.rank.multitask.synthetic.ImpressionSimulator;
import dev.funnel.rank.multitask.synthetic.ImpressionSimulatorConfig;
import dev.funnel.rank.multitask.synthetic.SimulatedImpressions;
import org.junit.jupiter.api.Test;

class ImpressionSimulatorTest {
  private static final ImpressionSimulatorConfig SMALL = new ImpressionSimulatorConfig(2000, 500, 20, 4, 0.6, 1.0, 0.04, 0.15, 0.5, 7L);

  @Test
  void ratesHitTheirTargetsAndConversionsNeedClicks() {
    System.out.println("ImpressionSimulatorTest seed=7/11");
    SimulatedImpressions d = new ImpressionSimulator(SMALL).draw(100_000, 11L);
    float[] clicks = d.batch().labels(MultiTaskBatch.CLICK);
    float[] conversions = d.batch().labels(MultiTaskBatch.CONVERSION);
    double c = 0;
    double v = 0;
    double trueCtr = 0;
    for (int r = 0; r < clicks.length; r++) {
      c += clicks[r];
      v += conversions[r];
      trueCtr += d.clickProbability()[r];
      assertThat(conversions[r]).isEqualTo(clicks[r] * d.conversionIfClicked()[r]);
    }
    // 100k impressions: the CTR's standard error is about 0.0006, the CVR's (4k clicks) about 0.006
    assertThat(c / clicks.length).isCloseTo(0.04, within(0.004));
    assertThat(trueCtr / clicks.length).isCloseTo(0.04, within(0.003));
    assertThat(v / c).isCloseTo(0.15, within(0.025));
    assertThat(d.batch().samples().fields().toString())
        .isEqualTo("user:0-1999,item:2000-2499,category:2500-2519,price:2520-2529,position:2530-2539,device:2540-2542");
    // the labels follow the probabilities: the truth ranks its own draws far above chance
    assertThat(RankMetrics.auc(d.clickProbability(), clicks)).isGreaterThan(0.75);
    assertThat(RankMetrics.auc(d.conversionProbability(), d.conversionIfClicked())).isGreaterThan(0.75);
  }

  @Test
  void theWorldAndTheDrawsAreSeeded() {
    SimulatedImpressions a = new ImpressionSimulator(SMALL).draw(1000, 3L);
    SimulatedImpressions b = new ImpressionSimulator(SMALL).draw(1000, 3L);
    SimulatedImpressions other = new ImpressionSimulator(SMALL).draw(1000, 4L);
    assertThat(a.batch().samples().features()).containsExactly(b.batch().samples().features());
    assertThat(a.conversionProbability()).containsExactly(b.conversionProbability());
    assertThat(a.batch().samples().features()).isNotEqualTo(other.batch().samples().features());
  }

  @Test
  void configNamesTheBadFieldAndValue() {
    assertThatThrownBy(() -> new ImpressionSimulatorConfig(1, 10, 2, 4, 0, 0, 0.04, 0.15, 0.5, 1)).hasMessage("users must be at least 2; users=1");
    assertThatThrownBy(() -> new ImpressionSimulatorConfig(10, 10, 11, 4, 0, 0, 0.04, 0.15, 0.5, 1))
        .hasMessage("categories must be in 1..items (10); categories=11");
    assertThatThrownBy(() -> new ImpressionSimulatorConfig(10, 10, 2, 4, 0, 0, 0.7, 0.15, 0.5, 1)).hasMessage("ctr must be in (0, 0.5]; ctr=0.7");
    assertThatThrownBy(() -> new ImpressionSimulatorConfig(10, 10, 2, 4, 0, 0, 0.04, 0.15, 1.5, 1))
        .hasMessage("sharedTaste must be in [0, 1]; sharedTaste=1.5");
    assertThatThrownBy(() -> new ImpressionSimulator(SMALL).draw(0, 1)).hasMessage("n must be positive; n=0");
  }
}
