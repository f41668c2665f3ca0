package dev.funnel.util;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {
  @Test
  void admitsSaysExactlyWhetherOfferWouldEnter() {
    long seed = System.nanoTime();
    System.out.println("TopKTest.admits seed=" + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 100; round++) {
      int k = rnd.nextInt(8);
      TopK top = new TopK(k);
      for (int n = 0; n < 200; n++) {
        int id = rnd.nextInt(50);
        float s = rnd.nextInt(20) == 0 ? Float.NaN : rnd.nextInt(6); // many ties: the smaller id wins them
        boolean admits = top.admits(id, s);
        assertThat(top.offer(id, s)).as("seed %d round %d offer %d (id %d, score %s)", seed, round, n, id, s).isEqualTo(admits);
      }
    }
  }

  @Test
  void matchesFullSortOnRandomScoresWithTiesAndFilter() {
    long seed = System.nanoTime();
    System.out.println("TopKTest seed=" + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int n = 1 + rnd.nextInt(300);
      int k = rnd.nextInt(n + 5);
      float[] scores = new float[n];
      for (int i = 0; i < n; i++) {
        // Few distinct values so ties are common; some items cannot be recommended.
        scores[i] = rnd.nextInt(10) == 0 ? Float.NEGATIVE_INFINITY : rnd.nextInt(20);
      }
      ItemFilter filter = i -> i % 3 != 0;
      ScoredItems got = TopK.select(scores, k, filter);
      int[] expected = IntStream.range(0, n).boxed()
          .filter(i -> i % 3 != 0 && scores[i] != Float.NEGATIVE_INFINITY)
          .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
          .limit(k).mapToInt(Integer::intValue).toArray();
      assertThat(got.items()).as("seed %d round %d", seed, round).containsExactly(expected);
      for (int r = 0; r < got.size(); r++) {
        assertThat(got.score(r)).isEqualTo(scores[got.item(r)]);
      }
    }
  }

  @Test
  void drainIdsGivesBestFirstAndEmptiesTheHeap() {
    TopK top = new TopK(3);
    float[] s = {0.5f, 2f, 1f, 3f, 2f};
    for (int i = 0; i < s.length; i++) {
      top.offer(i, s[i]);
    }
    int[] out = new int[3];
    assertThat(top.drainIds(out)).isEqualTo(3);
    assertThat(out).containsExactly(3, 1, 4);
    assertThat(top.size()).isZero();
    assertThat(Arrays.equals(TopK.select(s, 0, ItemFilter.ALL).items(), new int[0])).isTrue();
  }
}
