package dev.funnel.pipeline.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.MapResources;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.StageConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoreFusionTest {
  /** A: ch1 rank 0 (0.9), ch2 rank 2 (1.0); B: ch1 rank 1 (0.5); C: ch2 rank 0 (3.0). */
  private static List<Candidate> fixture() {
    Candidate a = new Candidate("A");
    a.proposedBy("ch1", 0, 0.9f);
    a.proposedBy("ch2", 2, 1.0f);
    Candidate b = new Candidate("B");
    b.proposedBy("ch1", 1, 0.5f);
    Candidate c = new Candidate("C");
    c.proposedBy("ch2", 0, 3.0f);
    return List.of(a, b, c);
  }

  private static final PipelineRequest REQ = PipelineRequest.forUser("u", 3, 0);

  @Test
  void reciprocalRankFusionByHand() {
    List<Candidate> cs = fixture();
    new ScoreFusion(ScoreFusion.Method.RRF, 60, Map.of()).score(REQ, cs);
    // A = 1/61 + 1/63, B = 1/62, C = 1/61
    assertThat(cs.get(0).score()).isCloseTo((float) (1.0 / 61 + 1.0 / 63), within(1e-7f));
    assertThat(cs.get(1).score()).isCloseTo((float) (1.0 / 62), within(1e-7f));
    assertThat(cs.get(2).score()).isCloseTo((float) (1.0 / 61), within(1e-7f));
  }

  @Test
  void channelWeightsScaleTheirTerms() {
    List<Candidate> cs = fixture();
    new ScoreFusion(ScoreFusion.Method.RRF, 60, Map.of("ch2", 2.0)).score(REQ, cs);
    // A = 1/61 + 2/63 = 0.048139, C = 2/61 = 0.032787, B = 1/62 = 0.016129
    assertThat(cs.get(0).score()).isCloseTo(0.048139f, within(1e-6f));
    assertThat(cs.get(2).score()).isCloseTo(0.032787f, within(1e-6f));
    assertThat(cs.get(1).score()).isCloseTo(0.016129f, within(1e-6f));
  }

  @Test
  void weightedSumOfMinMaxNormalisedScores() {
    List<Candidate> cs = fixture();
    new ScoreFusion(ScoreFusion.Method.WEIGHTED, 60, Map.of("ch1", 0.5)).score(REQ, cs);
    // ch1: A 0.9 -> 1, B 0.5 -> 0; ch2: C 3 -> 1, A 1 -> 0. A = 0.5*1 + 0, B = 0, C = 1.
    assertThat(cs.get(0).score()).isEqualTo(0.5f);
    assertThat(cs.get(1).score()).isEqualTo(0f);
    assertThat(cs.get(2).score()).isEqualTo(1f);
  }

  @Test
  void factoryReportsMethodAndRejectsBadValues() {
    ScoreFusion.Factory f = new ScoreFusion.Factory();
    MapResources res = new MapResources();
    assertThat(((ScoreFusion) f.create(StageConfig.of("fusion", Map.of("method", "weighted")), res)).description()).isEqualTo("fusion:weighted");
    assertThat(((ScoreFusion) f.create(StageConfig.of("fusion", Map.of()), res)).description()).isEqualTo("fusion:rrf");
    assertThatThrownBy(() -> f.create(StageConfig.of("fusion", Map.of("method", "borda")), res))
        .hasMessageContaining("fusion.method").hasMessageContaining("method=borda");
    assertThatThrownBy(() -> f.create(StageConfig.of("fusion", Map.of("weights", Map.of("ch1", -1))), res))
        .hasMessageContaining("weights.ch1").hasMessageContaining("ch1=-1");
  }
}
