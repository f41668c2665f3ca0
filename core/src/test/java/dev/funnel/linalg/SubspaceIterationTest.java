package dev.funnel.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.funnel.util.Progress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SubspaceIterationTest {
  /** A dense PSD matrix with eigenvalues 1, 0.9, ..., built as Q diag Qᵀ from a random orthonormal Q. */
  private static double[] withSpectrum(double[] spectrum, Random random) {
    int n = spectrum.length;
    double[] q = new double[n * n];
    for (int i = 0; i < q.length; i++) {
      q[i] = random.nextGaussian();
    }
    // Gram-Schmidt on the rows in double: row j is eigenvector j.
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < j; i++) {
        double d = 0;
        for (int p = 0; p < n; p++) {
          d += q[i * n + p] * q[j * n + p];
        }
        for (int p = 0; p < n; p++) {
          q[j * n + p] -= d * q[i * n + p];
        }
      }
      double norm = 0;
      for (int p = 0; p < n; p++) {
        norm += q[j * n + p] * q[j * n + p];
      }
      norm = Math.sqrt(norm);
      for (int p = 0; p < n; p++) {
        q[j * n + p] /= norm;
      }
    }
    double[] a = new double[n * n];
    for (int j = 0; j < n; j++) {
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < n; c++) {
          a[r * n + c] += spectrum[j] * q[j * n + r] * q[j * n + c];
        }
      }
    }
    return a;
  }

  private static SubspaceIteration.Operator dense(double[] a, int n) {
    return new SubspaceIteration.Operator() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public void apply(float[] x, float[] y, int cols) {
        for (int r = 0; r < n; r++) {
          for (int c = 0; c < cols; c++) {
            double s = 0;
            for (int p = 0; p < n; p++) {
              s += a[r * n + p] * x[p * cols + c];
            }
            y[r * cols + c] = (float) s;
          }
        }
      }
    };
  }

  @Test
  void topEigenpairsMatchTheDenseDecomposition() {
    long seed = System.nanoTime();
    System.out.println("SubspaceIterationTest seed " + seed);
    Random random = new Random(seed);
    int n = 60;
    double[] spectrum = new double[n];
    for (int j = 0; j < n; j++) {
      spectrum[j] = Math.pow(0.85, j); // a steady decay, no large gap, as in rating matrices
    }
    double[] a = withSpectrum(spectrum, random);
    SymmetricEigen exact = SymmetricEigen.of(a, n);
    int k = 8;
    SubspaceIteration.Result r = SubspaceIteration.topEigen(dense(a, n), k, 8, 40, seed, 2, Progress.NONE);
    for (int j = 0; j < k; j++) {
      assertThat(r.values()[j]).as("seed %d: eigenvalue %d", seed, j).isCloseTo(exact.value(j), offset(1e-5));
      double dot = 0;
      for (int p = 0; p < n; p++) {
        dot += r.vectors()[p * k + j] * exact.vector(j, p);
      }
      assertThat(Math.abs(dot)).as("seed %d: |cos| of vector %d with the exact one", seed, j).isCloseTo(1, offset(1e-4));
    }
  }

  @Test
  void orthonormaliseKeepsTheSpanAndHandlesRankDeficiency() {
    long seed = System.nanoTime();
    System.out.println("SubspaceIterationTest seed " + seed);
    Random random = new Random(seed);
    int n = 50;
    int l = 6;
    float[] block = new float[n * l];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < l - 1; c++) {
        block[r * l + c] = (float) random.nextGaussian();
      }
      block[r * l + l - 1] = block[r * l] + block[r * l + 1]; // column 5 = column 0 + column 1: rank 5
    }
    float[] original = block.clone();
    SubspaceIteration.orthonormalise(block, new float[n * l], n, l, 2);
    double[] g = SubspaceIteration.gram(block, block, n, l, 1);
    // the first five columns span the same space as before, orthonormally
    for (int i = 0; i < l - 1; i++) {
      for (int j = 0; j < l - 1; j++) {
        assertThat(g[i * l + j]).as("seed %d: QᵀQ[%d][%d]", seed, i, j).isCloseTo(i == j ? 1 : 0, offset(1e-4));
      }
    }
    // each original column is reproduced by projecting on the first five columns
    for (int c = 0; c < l; c++) {
      double residual = 0;
      double norm = 0;
      for (int r = 0; r < n; r++) {
        double proj = 0;
        for (int j = 0; j < l - 1; j++) {
          double d = 0;
          for (int p = 0; p < n; p++) {
            d += block[p * l + j] * original[p * l + c];
          }
          proj += d * block[r * l + j];
        }
        residual += Math.pow(original[r * l + c] - proj, 2);
        norm += Math.pow(original[r * l + c], 2);
      }
      assertThat(Math.sqrt(residual / norm)).as("seed %d: column %d outside the new span", seed, c).isLessThan(1e-3);
    }
  }

  @Test
  void badSizesAreNamed() {
    SubspaceIteration.Operator op = dense(new double[16], 4);
    assertThatThrownBy(() -> SubspaceIteration.topEigen(op, 3, 2, 1, 1, 1, Progress.NONE))
        .hasMessageContaining("k + oversample = 5 exceeds the dimension 4");
    assertThatThrownBy(() -> SubspaceIteration.topEigen(op, 0, 0, 1, 1, 1, Progress.NONE))
        .hasMessageContaining("k=0");
  }

  @Test
  void choleskyByHand() {
    // [[4, 2], [2, 5]] = L Lᵀ with L = [[2, 0], [1, 2]]
    double[] l = SubspaceIteration.cholesky(new double[] {4, 2, 2, 5}, 2);
    assertThat(l).containsExactly(new double[] {2, 0, 1, 2}, offset(1e-15));
    float[] inv = SubspaceIteration.invertLower(l, 2);
    // L⁻¹ = [[1/2, 0], [-1/4, 1/2]]
    assertThat(inv).containsExactly(new float[] {0.5f, 0f, -0.25f, 0.5f}, offset(1e-7f));
    assertThat(SubspaceIteration.cholesky(new double[] {1, 2, 2, 1}, 2)).as("indefinite").isNull();
  }
}
