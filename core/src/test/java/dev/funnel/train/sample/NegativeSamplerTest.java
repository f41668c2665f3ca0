package dev.funnel.train.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.Interactions;
import dev.funnel.train.Fixtures;
import dev.funnel.train.WorkerRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NegativeSamplerTest {
  private static final int ITEMS = 100;

  /** user 0: 95 of 100 items; user 1: items 0..9; user 2: nothing; user 3: every item. */
  private static Interactions matrix() {
    int[] heavy = new int[95];
    for (int k = 0; k < 95; k++) {
      heavy[k] = k < 50 ? k : k + 5; // misses 50..54
    }
    int[] light = new int[10];
    int[] all = new int[ITEMS];
    for (int k = 0; k < ITEMS; k++) {
      all[k] = k;
      if (k < 10) {
        light[k] = k;
      }
    }
    return Fixtures.of(ITEMS, new int[][] {heavy, light, {}, all});
  }

  @Test
  void neverReturnsAPositiveWithAnyRetryBudgetAndProposal() {
    long seed = 1234;
    System.out.println("NegativeSamplerTest seed=" + seed);
    Interactions x = matrix();
    double[] w = new double[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      w[i] = i < 10 ? 1000 : 1; // proposal mass on user 1's positives
    }
    ItemSampler[] proposals = {new UniformItemSampler(ITEMS), AliasItemSampler.fromWeights(w)};
    for (ItemSampler proposal : proposals) {
      for (int retries : new int[] {0, 1, 5, 50}) {
        NegativeSampler sampler = new NegativeSampler(proposal, x, retries);
        WorkerRandom random = new WorkerRandom(seed + retries);
        for (int user = 0; user < 3; user++) {
          boolean[] seen = new boolean[ITEMS];
          for (int k = 0; k < 20_000; k++) {
            int item = sampler.sample(user, random);
            assertThat(item).isBetween(0, ITEMS - 1);
            assertThat(x.contains(user, item)).as("user %d item %d retries %d", user, item, retries).isFalse();
            seen[item] = true;
          }
          // Every negative is reachable (the fallback covers the complement).
          for (int i = 0; i < ITEMS; i++) {
            if (!x.contains(user, i) && proposal instanceof UniformItemSampler) {
              assertThat(seen[i]).as("user %d item %d never drawn", user, i).isTrue();
            }
          }
        }
        assertThat(sampler.sample(3, random)).isEqualTo(NegativeSampler.NONE);
      }
    }
  }

  @Test
  void fallbackIsUniformOverTheComplement() {
    Interactions x = matrix();
    // Proposal only ever returns item 0, a positive of user 0: every draw goes to the fallback.
    double[] w = new double[ITEMS];
    w[0] = 1;
    NegativeSampler sampler = new NegativeSampler(AliasItemSampler.fromWeights(w), x, 3);
    WorkerRandom random = new WorkerRandom(77);
    long[] counts = new long[ITEMS];
    int n = 100_000;
    for (int k = 0; k < n; k++) {
      counts[sampler.sample(0, random)]++;
    }
    double[] p = new double[ITEMS];
    for (int i = 50; i < 55; i++) {
      p[i] = 0.2;
    }
    long outside = Arrays.stream(counts).sum() - Arrays.stream(counts, 50, 55).sum();
    assertThat(outside).isZero();
    assertThat(AliasItemSamplerTest.chiSquare(counts, p, n)).isLessThan(AliasItemSamplerTest.tail(4));
  }

  @Test
  void deterministicPerSeedAndBatchFillMatchesSingleDraws() {
    Interactions x = matrix();
    NegativeSampler sampler = new NegativeSampler(AliasItemSampler.popularity(x, 0.75), x, 10);
    WorkerRandom a = WorkerRandom.forWorker(9, 1);
    WorkerRandom b = WorkerRandom.forWorker(9, 1);
    int[] batch = new int[64];
    sampler.sample(1, a, batch, 0, 64);
    for (int k = 0; k < 64; k++) {
      assertThat(sampler.sample(1, b)).isEqualTo(batch[k]);
    }
  }

  @Test
  void rejectsMismatchedShapesAndNegativeRetries() {
    Interactions x = matrix();
    assertThatThrownBy(() -> new NegativeSampler(new UniformItemSampler(5), x, 1))
        .hasMessageContaining("numItems=5").hasMessageContaining("numItems=100");
    assertThatThrownBy(() -> new NegativeSampler(new UniformItemSampler(ITEMS), x, -1))
        .hasMessageContaining("maxRetries=-1");
  }
}
