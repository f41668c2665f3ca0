package dev.funnel.train.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.Interactions;
import dev.funnel.train.Fixtures;
import dev.funnel.train.WorkerRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class AliasItemSamplerTest {
  /** Pearson chi-square of observed counts against expected probabilities (cells with p = 0 skipped). */
  static double chiSquare(long[] counts, double[] p, long n) {
    double chi2 = 0;
    for (int i = 0; i < counts.length; i++) {
      if (p[i] == 0) {
        continue;
      }
      double e = p[i] * n;
      chi2 += (counts[i] - e) * (counts[i] - e) / e;
    }
    return chi2;
  }

  /** Upper bound on chi-square with dof degrees of freedom, far in the tail (about 7 sigma). */
  static double tail(int dof) {
    return dof + 7 * Math.sqrt(2.0 * dof);
  }

  /** Item i is held by (i % 7) + (i == 3 ? 40 : 0) users; items 0 and 7 by nobody. */
  private static Interactions skewed(int numItems) {
    int users = 47;
    int[][] rows = new int[users][];
    for (int u = 0; u < users; u++) {
      int count = 0;
      int[] buf = new int[numItems];
      for (int i = 0; i < numItems; i++) {
        int degree = (i % 7) + (i == 3 ? 40 : 0);
        if (u < degree) {
          buf[count++] = i;
        }
      }
      rows[u] = java.util.Arrays.copyOf(buf, count);
    }
    return Fixtures.of(numItems, rows);
  }

  @Test
  void popularityPowerDrawsMatchTheTargetDistribution() {
    long seed = 20261123L;
    System.out.println("AliasItemSamplerTest seed=" + seed);
    int numItems = 50;
    Interactions x = skewed(numItems);
    double alpha = 0.75;
    AliasItemSampler sampler = AliasItemSampler.popularity(x, alpha);
    double[] target = new double[numItems];
    double total = 0;
    for (int i = 0; i < numItems; i++) {
      target[i] = Math.pow(x.itemDegree(i), alpha);
      total += target[i];
    }
    int positive = 0;
    for (int i = 0; i < numItems; i++) {
      target[i] /= total;
      assertThat(sampler.probability(i)).isCloseTo(target[i], Offset.offset(1e-12));
      if (target[i] > 0) {
        positive++;
      }
    }
    WorkerRandom random = new WorkerRandom(seed);
    long n = 2_000_000;
    long[] counts = new long[numItems];
    for (long k = 0; k < n; k++) {
      counts[sampler.sample(random)]++;
    }
    for (int i = 0; i < numItems; i++) {
      if (target[i] == 0) {
        assertThat(counts[i]).as("item %d has degree 0", i).isZero();
      }
    }
    double chi2 = chiSquare(counts, target, n);
    int dof = positive - 1;
    System.out.printf("AliasItemSamplerTest chi2=%.1f dof=%d bound=%.1f%n", chi2, dof, tail(dof));
    assertThat(chi2).isLessThan(tail(dof));

    // The same statistic rejects a wrong target: the check can fail.
    double[] uniform = new double[numItems];
    java.util.Arrays.fill(uniform, 1.0 / numItems);
    assertThat(chiSquare(counts, uniform, n)).isGreaterThan(tail(numItems - 1));
  }

  @Test
  void arbitraryWeightsIncludingTinyAndZero() {
    long seed = 99;
    System.out.println("AliasItemSamplerTest seed=" + seed);
    double[] w = {0, 1e-3, 5, 0, 2.5, 100, 1, 0.5, 0};
    AliasItemSampler sampler = AliasItemSampler.fromWeights(w);
    double total = 0;
    for (double v : w) {
      total += v;
    }
    double[] p = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      p[i] = w[i] / total;
    }
    WorkerRandom random = new WorkerRandom(seed);
    long n = 1_000_000;
    long[] counts = new long[w.length];
    for (long k = 0; k < n; k++) {
      counts[sampler.sample(random)]++;
    }
    assertThat(counts[0]).isZero();
    assertThat(counts[3]).isZero();
    assertThat(counts[8]).isZero();
    double chi2 = chiSquare(counts, p, n);
    System.out.printf("AliasItemSamplerTest weights chi2=%.1f dof=5%n", chi2);
    assertThat(chi2).isLessThan(tail(5));
  }

  @Test
  void alphaZeroIsUniformAndUniformSamplerMatches() {
    Interactions x = skewed(20);
    AliasItemSampler flat = AliasItemSampler.popularity(x, 0);
    UniformItemSampler uniform = new UniformItemSampler(20);
    WorkerRandom random = new WorkerRandom(5);
    long n = 400_000;
    long[] a = new long[20];
    long[] b = new long[20];
    for (long k = 0; k < n; k++) {
      a[flat.sample(random)]++;
      b[uniform.sample(random)]++;
    }
    double[] p = new double[20];
    java.util.Arrays.fill(p, 0.05);
    assertThat(chiSquare(a, p, n)).isLessThan(tail(19));
    assertThat(chiSquare(b, p, n)).isLessThan(tail(19));
    assertThat(flat.probability(7)).isCloseTo(0.05, Offset.offset(1e-15));
    assertThat(uniform.probability(7)).isEqualTo(0.05);
  }

  @Test
  void rejectsBadWeights() {
    assertThatThrownBy(() -> AliasItemSampler.fromWeights(new double[] {1, -2}))
        .hasMessageContaining("item 1").hasMessageContaining("weight=-2.0");
    assertThatThrownBy(() -> AliasItemSampler.fromWeights(new double[] {0, 0})).hasMessageContaining("sum=0.0");
    assertThatThrownBy(() -> AliasItemSampler.fromWeights(new double[] {1, Double.NaN})).hasMessageContaining("NaN");
    assertThatThrownBy(() -> AliasItemSampler.popularity(Interactions.empty(1, 3), -0.5))
        .hasMessageContaining("alpha=-0.5");
    assertThatThrownBy(() -> new UniformItemSampler(0)).hasMessageContaining("numItems=0");
  }

  @Test
  void sameSeedSameDraws() {
    AliasItemSampler s = AliasItemSampler.fromWeights(new double[] {1, 2, 3, 4});
    WorkerRandom a = WorkerRandom.forWorker(1, 0);
    WorkerRandom b = WorkerRandom.forWorker(1, 0);
    for (int k = 0; k < 1000; k++) {
      assertThat(s.sample(a)).isEqualTo(s.sample(b));
    }
  }
}
