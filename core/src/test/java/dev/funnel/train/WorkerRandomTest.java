package dev.funnel.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.util.Mix;
import org.junit.jupiter.api.Test;

class WorkerRandomTest {
  @Test
  void workerStreamIsDeterminedBySeedAndWorkerId() {
    WorkerRandom a = WorkerRandom.forWorker(42, 3);
    WorkerRandom b = WorkerRandom.forWorker(42, 3);
    WorkerRandom c = new WorkerRandom(Mix.seedFor(42, 3));
    WorkerRandom other = WorkerRandom.forWorker(42, 4);
    int same = 0;
    for (int k = 0; k < 1000; k++) {
      long x = a.nextLong();
      assertThat(b.nextLong()).isEqualTo(x);
      assertThat(c.nextLong()).isEqualTo(x);
      if (other.nextLong() == x) {
        same++;
      }
    }
    assertThat(same).isZero();
  }

  @Test
  void nextIntStaysInRangeAndIsRoughlyUniform() {
    long seed = 7;
    System.out.println("WorkerRandomTest seed=" + seed);
    WorkerRandom r = new WorkerRandom(seed);
    for (int bound : new int[] {1, 2, 3, 1000, Integer.MAX_VALUE}) {
      for (int k = 0; k < 10_000; k++) {
        int x = r.nextInt(bound);
        assertThat(x).isBetween(0, bound - 1);
      }
    }
    int[] counts = new int[10];
    int n = 200_000;
    for (int k = 0; k < n; k++) {
      counts[r.nextInt(10)]++;
    }
    double chi2 = 0;
    for (int c : counts) {
      chi2 += (c - n / 10.0) * (c - n / 10.0) / (n / 10.0);
    }
    System.out.println("WorkerRandomTest chi2(dof=9)=" + chi2);
    assertThat(chi2).isLessThan(40); // p < 1e-5 under uniformity
    assertThatThrownBy(() -> r.nextInt(0)).hasMessageContaining("bound=0");
    assertThatThrownBy(() -> WorkerRandom.forWorker(1, -1)).hasMessageContaining("workerId=-1");
  }

  @Test
  void unitDrawsAndGaussianMoments() {
    WorkerRandom r = new WorkerRandom(11);
    double sum = 0;
    double sumSq = 0;
    int n = 200_000;
    for (int k = 0; k < n; k++) {
      double u = r.nextDouble();
      float f = r.nextFloat();
      assertThat(u).isGreaterThanOrEqualTo(0).isLessThan(1);
      assertThat(f).isGreaterThanOrEqualTo(0f).isLessThan(1f);
      double g = r.nextGaussian();
      sum += g;
      sumSq += g * g;
    }
    assertThat(sum / n).isCloseTo(0, org.assertj.core.data.Offset.offset(0.02));
    assertThat(sumSq / n).isCloseTo(1, org.assertj.core.data.Offset.offset(0.02));
  }
}
