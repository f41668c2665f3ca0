package dev.funnel.recall.neighbors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SelectSmallestTest {
  @Test
  void movesTheMSmallestToTheFrontOnRandomArraysWithDuplicates() {
    long seed = System.nanoTime();
    System.out.println("SelectSmallestTest seed=" + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 2_000; round++) {
      int n = rnd.nextInt(60);
      long[] a = new long[n + 3];
      int range = 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 1_000); // few distinct values: many duplicates
      for (int i = 0; i < n; i++) {
        a[i] = rnd.nextInt(range) - range / 2;
      }
      long[] sorted = Arrays.copyOf(a, n);
      Arrays.sort(sorted);
      int m = n == 0 ? 0 : rnd.nextInt(n + 1);
      ItemNeighborModel.selectSmallest(a, n, m);
      long[] front = Arrays.copyOf(a, m);
      Arrays.sort(front);
      assertThat(front).as("seed %d round %d n=%d m=%d", seed, round, n, m).containsExactly(Arrays.copyOf(sorted, m));
      long[] all = Arrays.copyOf(a, n);
      Arrays.sort(all);
      assertThat(all).as("a permutation").containsExactly(sorted);
    }
  }

  @Test
  void keysOrderByScoreDescendingThenIdAscending() {
    long[] keys = {ItemNeighborModel.key(5, 0.5f), ItemNeighborModel.key(2, 0.5f), ItemNeighborModel.key(9, 3f),
        ItemNeighborModel.key(1, Float.MIN_VALUE), ItemNeighborModel.key(7, Float.POSITIVE_INFINITY)};
    Arrays.sort(keys);
    int[] ids = Arrays.stream(keys).mapToInt(k -> (int) k).toArray();
    assertThat(ids).containsExactly(7, 9, 2, 5, 1);
    assertThat(Float.intBitsToFloat(Integer.MAX_VALUE - (int) (keys[1] >>> 32))).isEqualTo(3f);
  }
}
