package dev.funnel.data.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Proves the split invariants: no (user, item) pair in both the train and test matrices for every
 * kind; temporal order per user for user-temporal and leave-last-out; train < cut <= test for the
 * global cut. Randomized tables print their seed.
 */
class SplitterTest {
  private static final int ROUNDS = 20;

  /** A random table with repeats of pairs, timestamp ties and users/items of few events. */
  static EventTable randomTable(long seed) {
    Random rnd = new Random(seed);
    EventTable t = new EventTable(new IdMap(), new IdMap(), new IdMap(), 64);
    int users = 1 + rnd.nextInt(40);
    int items = 1 + rnd.nextInt(60);
    int n = rnd.nextInt(600);
    for (int k = 0; k < n; k++) {
      t.add("u" + rnd.nextInt(users), "i" + (int) Math.floor(Math.pow(rnd.nextDouble(), 2) * items), rnd.nextInt(50) * 1000L,
          rnd.nextBoolean() ? "view" : "buy", 1 + rnd.nextInt(5));
    }
    return t;
  }

  private static void checkAllKinds(Function<EventTable, List<Split>> splits) {
    long base = System.nanoTime();
    for (int round = 0; round < ROUNDS; round++) {
      long seed = base + round;
      System.out.println("SplitterTest seed=" + seed);
      EventTable t = randomTable(seed);
      for (Split s : splits.apply(t)) {
        assertNoLeakage(s, seed);
      }
    }
  }

  static void assertNoLeakage(Split s, long seed) {
    Interactions train = s.train().toInteractions(DuplicatePolicy.KEEP_LAST);
    Interactions test = s.test().toInteractions(DuplicatePolicy.KEEP_LAST);
    for (int u = 0; u < test.numUsers(); u++) {
      for (int i : test.itemsOf(u)) {
        assertThat(train.contains(u, i)).as("seed %d %s: pair (%d,%d) in both train and test", seed, s.report().spec(), u, i).isFalse();
      }
    }
    assertThat(s.report().trainEvents()).isEqualTo(s.train().size());
    assertThat(s.report().testEvents()).isEqualTo(s.test().size());
  }

  /** Every train timestamp of a user is <= every test timestamp of that user. */
  static void assertTemporalPerUser(Split s, long seed) {
    int n = s.train().users().size();
    long[] maxTrain = new long[n];
    long[] minTest = new long[n];
    java.util.Arrays.fill(maxTrain, Long.MIN_VALUE);
    java.util.Arrays.fill(minTest, Long.MAX_VALUE);
    for (int r = 0; r < s.train().size(); r++) {
      maxTrain[s.train().user(r)] = Math.max(maxTrain[s.train().user(r)], s.train().timestamp(r));
    }
    for (int r = 0; r < s.test().size(); r++) {
      minTest[s.test().user(r)] = Math.min(minTest[s.test().user(r)], s.test().timestamp(r));
    }
    for (int u = 0; u < n; u++) {
      assertThat(maxTrain[u]).as("seed %d %s user %d", seed, s.report().spec(), u).isLessThanOrEqualTo(minTest[u]);
    }
  }

  @Test
  void noLeakageForEveryKindOnRandomTables() {
    checkAllKinds(t -> {
      List<Split> out = new ArrayList<>();
      for (ColdPolicy cu : ColdPolicy.values()) {
        for (ColdPolicy ci : ColdPolicy.values()) {
          out.add(Splitter.random(t, 0.7, 1, cu, ci));
          out.add(Splitter.userTemporal(t, 0.8, cu, ci));
          out.add(Splitter.leaveLastOut(t, cu, ci));
          out.add(Splitter.globalTime(t, 25_000, cu, ci));
          if (t.size() > 0) {
            out.add(Splitter.globalTimeFraction(t, 0.6, cu, ci));
          }
          // given: the test table holds copies of some train pairs, which must be removed.
          EventTable train = t.emptyLike(16);
          EventTable test = t.emptyLike(16);
          for (int r = 0; r < t.size(); r++) {
            (r % 3 == 0 ? test : train).add(t.user(r), t.item(r), t.timestamp(r), t.type(r), t.value(r));
          }
          out.add(Splitter.given(train, test, cu, ci));
        }
      }
      return out;
    });
  }

  @Test
  void temporalSplitsKeepEachUsersTrainBeforeTest() {
    checkAllKinds(t -> {
      List<Split> out = List.of(Splitter.userTemporal(t, 0.8, ColdPolicy.KEEP, ColdPolicy.KEEP),
          Splitter.userTemporal(t, 0.5, ColdPolicy.DROP, ColdPolicy.DROP), Splitter.leaveLastOut(t, ColdPolicy.KEEP, ColdPolicy.KEEP));
      for (Split s : out) {
        assertTemporalPerUser(s, 0);
      }
      return out;
    });
  }

  @Test
  void globalCutSeparatesAllTrainFromAllTest() {
    checkAllKinds(t -> {
      List<Split> out = new ArrayList<>();
      out.add(Splitter.globalTime(t, 25_000, ColdPolicy.KEEP, ColdPolicy.KEEP));
      if (t.size() > 0) {
        out.add(Splitter.globalTimeFraction(t, 0.8, ColdPolicy.KEEP, ColdPolicy.KEEP));
      }
      for (Split s : out) {
        long cut = s.report().cutMillis();
        for (int r = 0; r < s.train().size(); r++) {
          assertThat(s.train().timestamp(r)).isLessThan(cut);
        }
        for (int r = 0; r < s.test().size(); r++) {
          assertThat(s.test().timestamp(r)).isGreaterThanOrEqualTo(cut);
        }
      }
      return out;
    });
  }

  /** Hand fixture: user a has 5 events (two at t=3), b one, c two of the same item. */
  private static EventTable fixture() {
    EventTable t = new EventTable();
    t.add("a", "x", 1, "v", 1); // row 0
    t.add("a", "y", 3, "v", 1); // row 1
    t.add("a", "z", 3, "v", 1); // row 2 (tie with row 1; read later, so later)
    t.add("a", "w", 2, "v", 1); // row 3
    t.add("a", "v", 5, "v", 1); // row 4
    t.add("b", "x", 4, "v", 1); // row 5
    t.add("c", "x", 1, "v", 1); // row 6
    t.add("c", "x", 9, "v", 1); // row 7, repeat of c-x
    return t;
  }

  private static List<String> pairs(EventTable t) {
    List<String> out = new ArrayList<>();
    for (int r = 0; r < t.size(); r++) {
      out.add(t.users().external(t.user(r)) + t.items().external(t.item(r)));
    }
    return out;
  }

  @Test
  void leaveLastOutHandFixture() {
    Split s = Splitter.leaveLastOut(fixture(), ColdPolicy.DROP, ColdPolicy.DROP);
    assertThat(pairs(s.test())).isEmpty(); // av is a cold item, dropped
    assertThat(pairs(s.train())).containsExactly("ax", "ay", "az", "aw", "bx", "cx");
    assertThat(s.report().trainPairEvents()).isEqualTo(1); // c's repeat of x
    assertThat(s.report().coldItems()).isEqualTo(1); // v only in test
    assertThat(s.report().coldItemEvents()).isEqualTo(1);
    assertThat(s.report().testEvents()).isZero();
    Split kept = Splitter.leaveLastOut(fixture(), ColdPolicy.DROP, ColdPolicy.KEEP);
    assertThat(pairs(kept.test())).containsExactly("av");
    assertThat(kept.report().coldItemPolicy()).isEqualTo(ColdPolicy.KEEP);
  }

  @Test
  void leaveLastOutBreaksTimeTiesByReadOrder() {
    EventTable t = new EventTable();
    t.add("a", "x", 1, "v", 1);
    t.add("a", "y", 3, "v", 1);
    t.add("a", "z", 3, "v", 1);
    t.add("b", "y", 0, "v", 1);
    t.add("b", "z", 0, "v", 1);
    Split s = Splitter.leaveLastOut(t, ColdPolicy.KEEP, ColdPolicy.KEEP);
    assertThat(pairs(s.test())).containsExactly("az", "bz");
    assertThat(pairs(s.train())).containsExactly("ax", "ay", "by");
  }

  @Test
  void userTemporalHandFixture() {
    // a: order x(1) w(2) y(3) z(3) v(5); floor(0.6*5)=3 -> train x w y, test z v.
    Split s = Splitter.userTemporal(fixture(), 0.6, ColdPolicy.KEEP, ColdPolicy.KEEP);
    assertThat(pairs(s.train())).containsExactly("ax", "ay", "aw", "bx", "cx");
    assertThat(pairs(s.test())).containsExactly("az", "av");
    assertThat(s.report().trainPairEvents()).isEqualTo(1); // c: x at t=9 repeats train pair
    assertThat(s.report().coldItems()).isEqualTo(2);
    assertThat(s.report().coldItemPolicy()).isEqualTo(ColdPolicy.KEEP);
  }

  @Test
  void globalCutAndColdUsers() {
    Split s = Splitter.globalTime(fixture(), 4, ColdPolicy.DROP, ColdPolicy.KEEP);
    // train: t<4 -> ax ay az aw cx ; test candidates: av(5) bx(4) cx(9)
    assertThat(pairs(s.train())).containsExactly("ax", "ay", "az", "aw", "cx");
    assertThat(pairs(s.test())).containsExactly("av");
    assertThat(s.report().coldUsers()).isEqualTo(1);
    assertThat(s.report().coldUserEvents()).isEqualTo(1);
    assertThat(s.report().trainPairEvents()).isEqualTo(1);
    assertThat(s.report().cutMillis()).isEqualTo(4);
    Split keep = Splitter.globalTime(fixture(), 4, ColdPolicy.KEEP, ColdPolicy.KEEP);
    assertThat(pairs(keep.test())).containsExactly("av", "bx");
    // fraction: range 1..9, 0.5 -> cut at 1 + ceil(4) = 5
    assertThat(Splitter.globalTimeFraction(fixture(), 0.5, ColdPolicy.KEEP, ColdPolicy.KEEP).report().cutMillis()).isEqualTo(5);
  }

  @Test
  void randomIsSeededAndExact() {
    EventTable t = randomTable(7);
    Split a = Splitter.random(t, 0.8, 99, ColdPolicy.KEEP, ColdPolicy.KEEP);
    Split b = Splitter.random(t, 0.8, 99, ColdPolicy.KEEP, ColdPolicy.KEEP);
    Split c = Splitter.random(t, 0.8, 100, ColdPolicy.KEEP, ColdPolicy.KEEP);
    assertThat(pairs(a.train())).isEqualTo(pairs(b.train()));
    assertThat(a.train().size()).isEqualTo(Math.round(0.8 * t.size()));
    assertThat(a.report().seed()).isEqualTo(99);
    assertThat(t.size() < 10 || !pairs(a.train()).equals(pairs(c.train()))).isTrue();
  }

  @Test
  void givenRequiresSharedMaps() {
    assertThatThrownBy(() -> Splitter.given(new EventTable(), new EventTable(), ColdPolicy.DROP, ColdPolicy.DROP))
        .hasMessageContaining("share id maps");
    assertThatThrownBy(() -> Splitter.apply(fixture(), SplitSpec.given(), 1, ColdPolicy.DROP, ColdPolicy.DROP))
        .hasMessageContaining("given");
  }

  @Test
  void parsesSpecs() {
    assertThat(SplitSpec.parse("random:0.8")).isEqualTo(SplitSpec.random(0.8));
    assertThat(SplitSpec.parse(" user-temporal:0.9 ")).isEqualTo(SplitSpec.userTemporal(0.9));
    assertThat(SplitSpec.parse("leave-last-out")).isEqualTo(SplitSpec.leaveLastOut());
    assertThat(SplitSpec.parse("global-time:0.8")).isEqualTo(SplitSpec.globalTimeFraction(0.8));
    assertThat(SplitSpec.parse("global-time:@1577836800000")).isEqualTo(SplitSpec.globalTimeAt(1_577_836_800_000L));
    assertThat(SplitSpec.parse("given").kind()).isEqualTo(SplitSpec.Kind.GIVEN);
    for (String s : List.of("random:0.8", "user-temporal:0.5", "leave-last-out", "global-time:0.8", "global-time:@5", "given")) {
      assertThat(SplitSpec.parse(s).toString()).isEqualTo(s);
    }
    assertThatThrownBy(() -> SplitSpec.parse("random")).hasMessageContaining("needs a train fraction");
    assertThatThrownBy(() -> SplitSpec.parse("random:1.5")).hasMessageContaining("fraction=1.5");
    assertThatThrownBy(() -> SplitSpec.parse("random:abc")).hasMessageContaining("fraction=abc");
    assertThatThrownBy(() -> SplitSpec.parse("shuffle:0.8")).hasMessageContaining("unknown split 'shuffle:0.8'");
    assertThatThrownBy(() -> SplitSpec.parse("given:3")).hasMessageContaining("takes no argument");
    assertThatThrownBy(() -> SplitSpec.parse("global-time:@x")).hasMessageContaining("@<epochMillis>");
  }
}
