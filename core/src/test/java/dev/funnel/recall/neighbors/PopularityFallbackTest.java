package dev.funnel.recall.neighbors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.data.Interactions;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PopularityFallbackTest {
  /** Items 0..n-1; item i has i % 7 interactions (so fallback scores differ and tie). */
  private static Interactions train(int n) {
    int users = 7;
    int[] ptr = new int[users + 1];
    int[] cols = new int[users * n];
    int nnz = 0;
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < n; i++) {
        if (u < i % 7) {
          cols[nnz++] = i;
        }
      }
      ptr[u + 1] = nnz;
    }
    int[] c = java.util.Arrays.copyOf(cols, nnz);
    return new Interactions(users, n, ptr, c, new float[nnz], new long[nnz]);
  }

  @Test
  void offerTouchedAsksTheFilterOnlyAboutItemsThatCouldEnterAndSelectsTheSame() {
    long seed = System.nanoTime();
    System.out.println("PopularityFallbackTest seed=" + seed);
    Random rnd = new Random(seed);
    int n = 5_000;
    PopularityFallback fallback = new PopularityFallback(train(n));
    for (int round = 0; round < 20; round++) {
      Accumulator acc = new Accumulator(n);
      for (int t = 0; t < 3_000; t++) {
        acc.add(rnd.nextInt(n), rnd.nextInt(4) == 0 ? 0f : rnd.nextInt(50) / 7f);
      }
      int k = 1 + rnd.nextInt(40);
      int[] asked = new int[1];
      ItemFilter filter = i -> {
        asked[0]++;
        return i % 5 != 0;
      };
      TopK top = new TopK(k);
      fallback.offerTouched(acc, top, filter);
      ScoredItems got = top.drain();

      // The reference: the filter first for every touched item, as before.
      TopK ref = new TopK(k);
      for (int m = 0; m < acc.count(); m++) {
        int item = acc.touched(m);
        if (item % 5 != 0) {
          float s = acc.value(item);
          ref.offer(item, s == 0f ? fallback.score(item) : s);
        }
      }
      ScoredItems expected = ref.drain();
      assertThat(got.items()).as("seed %d round %d", seed, round).containsExactly(expected.items());
      assertThat(asked[0]).as("filter calls of %d touched items, k=%d (seed %d)", acc.count(), k, seed).isLessThan(acc.count() / 2);
    }
  }
}
