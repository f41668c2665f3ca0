package dev.funnel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CandidateTest {
  @Test
  void channelsKeepTheirOrderAndARepeatKeepsTheBestRank() {
    Candidate c = new Candidate("a");
    assertThat(c.channelCount()).isZero();
    assertThat(c.channelScores()).isEmpty();
    c.proposedBy("i2i", 7, 0.5f);
    c.proposedBy("popular", 3, 12f);
    c.proposedBy("i2i", 2, 0.9f); // better rank: replaces rank and score, keeps the position
    c.proposedBy("popular", 9, 1f); // worse rank: ignored
    c.proposedBy("ann", 0, 0.1f); // a third channel grows the arrays
    assertThat(c.channelCount()).isEqualTo(3);
    assertThat(c.channelNames()).containsExactly("i2i", "popular", "ann");
    assertThat(List.of(c.channelRank(0), c.channelRank(1), c.channelRank(2))).containsExactly(2, 3, 0);
    assertThat(List.of(c.channelScore(0), c.channelScore(1), c.channelScore(2))).containsExactly(0.9f, 12f, 0.1f);
    Map<String, Integer> ranks = new LinkedHashMap<>();
    ranks.put("i2i", 2);
    ranks.put("popular", 3);
    ranks.put("ann", 0);
    assertThat(c.channelRanks()).isEqualTo(ranks);
    assertThat(c.channelRanks().keySet()).containsExactly("i2i", "popular", "ann");
    assertThat(c.channelScores()).containsEntry("popular", 12f).containsEntry("i2i", 0.9f).hasSize(3);
    assertThat(c.channelScores().get("nope")).isNull();
    assertThat(c.channelRanks().containsKey("ann")).isTrue();
    assertThatThrownBy(() -> c.channelRanks().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.channel(3)).isInstanceOf(IndexOutOfBoundsException.class);
    // channelNames is a copy
    c.channelNames()[0] = "changed";
    assertThat(c.channel(0)).isEqualTo("i2i");
  }
}
