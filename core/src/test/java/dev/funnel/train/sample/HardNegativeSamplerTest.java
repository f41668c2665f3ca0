package dev.funnel.train.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.Interactions;
import dev.funnel.train.Fixtures;
import dev.funnel.train.WorkerRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HardNegativeSamplerTest {
  private static final int ITEMS = 1000;

  private static Interactions matrix(Random rnd) {
    int[][] rows = new int[4][];
    for (int u = 0; u < rows.length; u++) {
      Set<Integer> items = new HashSet<>();
      while (items.size() < 30 * (u + 1)) {
        items.add(rnd.nextInt(ITEMS));
      }
      rows[u] = items.stream().mapToInt(Integer::intValue).toArray();
    }
    return Fixtures.of(ITEMS, rows);
  }

  /** Scores with many ties (values 0..49) so the tie-break matters. */
  private static float[][] scores(Random rnd, int users) {
    float[][] s = new float[users][ITEMS];
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < ITEMS; i++) {
        s[u][i] = rnd.nextInt(50) - 25;
      }
    }
    return s;
  }

  /** Reference: non-positives sorted by score desc, id asc; ranks [from, to). */
  private static List<Integer> expectedWindow(Interactions x, float[] s, int user, int from, int to) {
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      if (!x.contains(user, i)) {
        items.add(i);
      }
    }
    items.sort(Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i));
    return items.subList(Math.min(from, items.size()), Math.min(to, items.size()));
  }

  @Test
  void windowHoldsExactlyTheRanksInRangeAndHardDrawsStayInIt() {
    long seed = 4242;
    System.out.println("HardNegativeSamplerTest seed=" + seed);
    Random rnd = new Random(seed);
    Interactions x = matrix(rnd);
    float[][] s = scores(rnd, x.numUsers());
    ItemScorer scorer = (user, out) -> System.arraycopy(s[user], 0, out, 0, ITEMS);
    NegativeSampler easy = new NegativeSampler(new UniformItemSampler(ITEMS), x, 5);
    HardNegativeConfig[] configs = {new HardNegativeConfig(100, 500, 0), new HardNegativeConfig(0, 7, 0),
        new HardNegativeConfig(900, 2000, 0)};
    WorkerRandom random = new WorkerRandom(seed);
    for (HardNegativeConfig config : configs) {
      HardNegativeSampler sampler = new HardNegativeSampler(easy, config);
      for (int user = 0; user < x.numUsers(); user++) {
        List<Integer> expected = expectedWindow(x, s[user], user, config.rankFrom(), config.rankTo());
        int size = sampler.mine(user, scorer);
        assertThat(size).isEqualTo(expected.size());
        for (int k = 0; k < size; k++) {
          assertThat(sampler.windowItem(k)).as("%s user %d k %d", config, user, k).isEqualTo(expected.get(k));
        }
        Set<Integer> window = new HashSet<>(expected);
        for (int k = 0; k < 2000; k++) {
          int item = sampler.sample(user, random);
          assertThat(x.contains(user, item)).isFalse();
          if (size > 0) {
            assertThat(window).contains(item);
          }
        }
      }
    }
  }

  @Test
  void easyToHardRatioIsRespected() {
    long seed = 17;
    System.out.println("HardNegativeSamplerTest seed=" + seed);
    Random rnd = new Random(seed);
    Interactions x = matrix(rnd);
    float[][] s = scores(rnd, x.numUsers());
    NegativeSampler easy = new NegativeSampler(new UniformItemSampler(ITEMS), x, 5);
    HardNegativeSampler sampler = new HardNegativeSampler(easy, new HardNegativeConfig(100, 500, 3));
    int user = 0;
    int size = sampler.mine(user, (u, out) -> System.arraycopy(s[u], 0, out, 0, ITEMS));
    Set<Integer> window = new HashSet<>();
    for (int k = 0; k < size; k++) {
      window.add(sampler.windowItem(k));
    }
    int free = ITEMS - x.userDegree(user);
    // P(draw in window) = h + (1 - h) * |W| / free with h = 1/4.
    double expected = 0.25 + 0.75 * size / (double) free;
    WorkerRandom random = new WorkerRandom(seed);
    int n = 200_000;
    int inWindow = 0;
    for (int k = 0; k < n; k++) {
      if (window.contains(sampler.sample(user, random))) {
        inWindow++;
      }
    }
    double got = inWindow / (double) n;
    System.out.printf("HardNegativeSamplerTest in-window fraction %.4f expected %.4f%n", got, expected);
    assertThat(got).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void guardsAgainstMisuse() {
    Interactions x = Fixtures.of(10, new int[][] {{1, 2}, {3}});
    NegativeSampler easy = new NegativeSampler(new UniformItemSampler(10), x, 2);
    HardNegativeSampler sampler = new HardNegativeSampler(easy, HardNegativeConfig.DEFAULT);
    assertThatThrownBy(() -> sampler.sample(0, new WorkerRandom(1))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("user 0");
    assertThat(sampler.mine(0, (u, out) -> java.util.Arrays.fill(out, 1f))).isZero(); // 8 negatives < rank 100
    assertThat(x.contains(0, sampler.sample(0, new WorkerRandom(1)))).isFalse();
    assertThatThrownBy(() -> sampler.mine(1, (u, out) -> out[4] = Float.NaN))
        .hasMessageContaining("user 1").hasMessageContaining("item 4");
    assertThatThrownBy(() -> new HardNegativeConfig(5, 5, 1)).hasMessageContaining("rankTo=5");
    assertThatThrownBy(() -> new HardNegativeConfig(-1, 5, 1)).hasMessageContaining("rankFrom=-1");
    assertThatThrownBy(() -> new HardNegativeConfig(0, 5, -2)).hasMessageContaining("easyPerHard=-2");
  }
}
