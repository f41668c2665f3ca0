package dev.funnel.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.store.Event;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OnlineStateTest {
  private static final String[] ITEMS = {"a", "b", "c", "d", "e", "n1", "n2", "n3"};
  private static final String[] TYPES = {"click", "purchase", "view", "dislike", "impression"};

  private static OnlineRecommender fresh(boolean reordered, Fixture.Clock clock) {
    OnlineRecommender.Config d = OnlineRecommender.Config.defaults();
    // Small caps so eviction from the ring and the seen list are exercised; no training seed (model-independent state).
    OnlineRecommender.Config c = new OnlineRecommender.Config(new UserActivity.Config(1000, 5, 4, 4),
        new PopularityCounters.Config(3_600_000L, 0, 100, false), d.triggerHalfLifeMillis(), d.coldStart(), false, d.maxItems());
    return new OnlineRecommender("itemcf", Fixture.itemcf(reordered), EventTypes.defaults(), c, null, clock);
  }

  private static byte[] bytes(OnlineState s) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    s.write(out);
    out.flush();
    return b.toByteArray();
  }

  /** A state written and read back, loaded into a recommender of another model (other item ids), equals one that saw the events. */
  @Test
  void roundTripIntoAnotherModelEqualsObservingTheEvents() throws IOException {
    long seed = 3;
    System.out.println("seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    Fixture.Clock clock = new Fixture.Clock(1_000_000L);
    OnlineRecommender source = fresh(false, clock);
    OnlineRecommender direct = fresh(true, clock);
    for (int i = 0; i < 400; i++) {
      Event e = Event.of("u" + rnd.nextInt(12), ITEMS[rnd.nextInt(ITEMS.length)], TYPES[rnd.nextInt(TYPES.length)], 1_000L * i);
      source.observe(e);
      direct.observe(e);
    }
    byte[] written = bytes(OnlineState.capture(source));
    OnlineState read = OnlineState.read(ByteBuffer.wrap(written));
    assertThat(bytes(read)).as("read then written again: the same bytes").isEqualTo(written);
    OnlineRecommender restored = fresh(true, clock);
    read.restoreInto(restored);
    assertThat(restored.items().size()).isEqualTo(direct.items().size());
    for (int i = 0; i < direct.items().size(); i++) {
      assertThat(restored.items().external(i)).isEqualTo(direct.items().external(i));
      assertThat(restored.popularity().count(i)).isEqualTo(direct.popularity().count(i));
      assertThat(restored.popularity().trending(i, clock.now)).isEqualTo(direct.popularity().trending(i, clock.now));
    }
    for (int u = 0; u < 12; u++) {
      UserHistory a = direct.users().snapshot("u" + u);
      UserHistory b = restored.users().snapshot("u" + u);
      assertThat(b.items()).containsExactly(a.items());
      assertThat(b.weights()).containsExactly(a.weights());
      assertThat(b.times()).containsExactly(a.times());
      assertThat(b.seen()).containsExactly(a.seen());
      assertThat(b.negative()).containsExactly(a.negative());
      assertThat(restored.recommend("u" + u, 5, List.of())).isEqualTo(direct.recommend("u" + u, 5, List.of()));
    }
  }

  @Test
  void truncatedOrInconsistentBytesAreRefusedNamingTheProblem() throws IOException {
    Fixture.Clock clock = new Fixture.Clock(0L);
    OnlineRecommender r = fresh(false, clock);
    r.observe(Event.of("u1", "n1", "click", 5L));
    byte[] b = bytes(OnlineState.capture(r));
    assertThatThrownBy(() -> OnlineState.read(ByteBuffer.wrap(java.util.Arrays.copyOf(b, b.length - 3))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends early");
    ByteBuffer bad = ByteBuffer.wrap(b.clone());
    bad.putInt(0, -5);
    assertThatThrownBy(() -> OnlineState.read(bad)).hasMessageContaining("bad length of items: -5");
  }
}
