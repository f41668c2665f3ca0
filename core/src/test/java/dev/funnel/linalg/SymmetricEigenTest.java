package dev.funnel.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
  /** [[2, 1], [1, 2]] has eigenvalues 3 and 1 with vectors (1, 1)/√2 and (1, -1)/√2, by hand. */
  @Test
  void twoByTwoByHand() {
    SymmetricEigen e = SymmetricEigen.of(new double[] {2, 1, 1, 2}, 2);
    assertThat(e.value(0)).isCloseTo(3, offset(1e-14));
    assertThat(e.value(1)).isCloseTo(1, offset(1e-14));
    double r = Math.sqrt(0.5);
    assertThat(Math.abs(e.vector(0, 0))).isCloseTo(r, offset(1e-14));
    assertThat(e.vector(0, 0) * e.vector(0, 1)).isCloseTo(0.5, offset(1e-14));
    assertThat(e.vector(1, 0) * e.vector(1, 1)).isCloseTo(-0.5, offset(1e-14));
  }

  @Test
  void randomMatrixIsDecomposed() {
    long seed = System.nanoTime();
    System.out.println("SymmetricEigenTest seed " + seed);
    Random random = new Random(seed);
    int n = 40;
    double[] a = new double[n * n];
    for (int p = 0; p < n; p++) {
      for (int q = p; q < n; q++) {
        double v = random.nextGaussian();
        a[p * n + q] = v;
        a[q * n + p] = v;
      }
    }
    SymmetricEigen e = SymmetricEigen.of(a, n);
    double trace = 0;
    for (int p = 0; p < n; p++) {
      trace += a[p * n + p];
    }
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += e.value(j);
      if (j > 0) {
        assertThat(e.value(j)).as("seed %d: descending at %d", seed, j).isLessThanOrEqualTo(e.value(j - 1));
      }
      // A v = λ v and |v| = 1
      for (int p = 0; p < n; p++) {
        double av = 0;
        for (int q = 0; q < n; q++) {
          av += a[p * n + q] * e.vector(j, q);
        }
        assertThat(av).as("seed %d: (A v_%d)[%d]", seed, j, p).isCloseTo(e.value(j) * e.vector(j, p), offset(1e-10));
      }
      for (int i = 0; i <= j; i++) {
        double dot = 0;
        for (int p = 0; p < n; p++) {
          dot += e.vector(i, p) * e.vector(j, p);
        }
        assertThat(dot).as("seed %d: v_%d . v_%d", seed, i, j).isCloseTo(i == j ? 1 : 0, offset(1e-12));
      }
    }
    assertThat(sum).as("seed %d: the eigenvalues sum to the trace", seed).isCloseTo(trace, offset(1e-10));
  }

  @Test
  void nonFiniteEntryIsNamed() {
    assertThatThrownBy(() -> SymmetricEigen.of(new double[] {1, Double.NaN, Double.NaN, 1}, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1) is NaN");
    assertThatThrownBy(() -> SymmetricEigen.of(new double[3], 2)).hasMessageContaining("2 x 2");
  }
}
