package dev.funnel.pipeline.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.Feedback;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AttributionTest {
  private static Candidate cand(String item, String... channels) {
    Candidate c = new Candidate(item);
    for (int i = 0; i < channels.length; i++) {
      c.proposedBy(channels[i], i, 1f);
    }
    return c;
  }

  @Test
  void countsPerChannelPositionAndVariantOncePerItem() {
    AtomicLong now = new AtomicLong(1000);
    Attribution a = new Attribution(10, 60_000, now::get);
    AtomicInteger imp = new AtomicInteger();
    AtomicInteger clk = new AtomicInteger();
    Candidate x = cand("x", "i2i", "popular");
    x.explored(new Feedback() {
      public void impression() {
        imp.incrementAndGet();
      }

      public void click() {
        clk.incrementAndGet();
      }
    });
    a.shown("r1", "home", "exp", "b", 10, List.of(x, cand("y", "popular")));
    assertThat(a.event("r1", "x", false)).isEqualTo(Attribution.Outcome.ATTRIBUTED);
    assertThat(a.event("r1", "x", false)).isEqualTo(Attribution.Outcome.DUPLICATE);
    assertThat(a.event("r1", "x", true)).isEqualTo(Attribution.Outcome.ATTRIBUTED);
    assertThat(a.event("r1", "y", true)).isEqualTo(Attribution.Outcome.ATTRIBUTED); // implies its impression
    assertThat(a.event("r1", "y", true)).isEqualTo(Attribution.Outcome.DUPLICATE);
    assertThat(a.event("r1", "z", true)).isEqualTo(Attribution.Outcome.NOT_SHOWN);
    assertThat(a.event("r2", "x", true)).isEqualTo(Attribution.Outcome.UNKNOWN_REQUEST);
    assertThat(a.channels().get("home").get("i2i")).isEqualTo(new Attribution.Counts(1, 1));
    assertThat(a.channels().get("home").get("popular")).isEqualTo(new Attribution.Counts(2, 2));
    assertThat(a.positions().get("home").get(10)).isEqualTo(new Attribution.Counts(1, 1));
    assertThat(a.positions().get("home").get(11)).isEqualTo(new Attribution.Counts(1, 1));
    assertThat(a.variants("exp").get("b")).isEqualTo(new Attribution.Counts(2, 2));
    assertThat(imp.get()).isEqualTo(1);
    assertThat(clk.get()).isEqualTo(1);
    assertThat(a.outcomes(Attribution.Outcome.DUPLICATE)).isEqualTo(2);
  }

  @Test
  void forgetsTheOldestAndTheExpired() {
    AtomicLong now = new AtomicLong(0);
    Attribution a = new Attribution(2, 1000, now::get);
    a.shown("r1", "s", null, null, 0, List.of(cand("x", "c")));
    a.shown("r2", "s", null, null, 0, List.of(cand("x", "c")));
    a.shown("r3", "s", null, null, 0, List.of(cand("x", "c")));
    assertThat(a.remembered()).isEqualTo(2);
    assertThat(a.event("r1", "x", true)).isEqualTo(Attribution.Outcome.UNKNOWN_REQUEST);
    now.set(500);
    a.shown("r4", "s", null, null, 60, List.of(cand("x", "c")));
    now.set(1000); // r2, r3 are 1000 ms old
    assertThat(a.event("r2", "x", true)).isEqualTo(Attribution.Outcome.UNKNOWN_REQUEST);
    assertThat(a.event("r4", "x", true)).isEqualTo(Attribution.Outcome.ATTRIBUTED);
    assertThat(a.remembered()).isEqualTo(1);
    assertThat(a.positions().get("s")).containsKey(Attribution.POSITIONS); // position 60 in the last bucket
  }
}
