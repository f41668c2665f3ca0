package dev.funnel.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every SIMD kernel against its scalar twin and against a double-precision reference, on random
 * windows of lengths around the vector width (tails, unrolled blocks) and at several offsets.
 * Windows are surrounded by sentinels that must survive untouched.
 */
class PanamaKernelsTest {
  private static final PanamaKernels SIMD = new PanamaKernels();
  private static final ScalarKernels SCALAR = new ScalarKernels();
  private static final VectorKernels[] BOTH = {SCALAR, SIMD};
  private static final float SENTINEL = 12345.5f;
  private static final int[][] OFFSETS = {{0, 0}, {1, 3}, {5, 2}};
  private static long seed;
  private static int[] lengths;

  @BeforeAll
  static void setUp() {
    seed = Long.getLong("funnel.test.seed", System.nanoTime());
    System.out.println("PanamaKernelsTest seed=" + seed + " (rerun with -Dfunnel.test.seed=" + seed + ") lanes="
        + PanamaKernels.lanes());
    int l = PanamaKernels.lanes();
    TreeSet<Integer> set = new TreeSet<>();
    for (int n : new int[] {0, 1, 2, 3, 7, 13, 31, 63, 64, 65, 127, 128, 1000, 1024, 4099,
        l - 1, l, l + 1, 2 * l - 1, 2 * l + 1, 3 * l, 4 * l - 1, 4 * l, 4 * l + 1, 5 * l + 3, 8 * l, 8 * l + 7}) {
      set.add(n);
    }
    lengths = set.stream().mapToInt(Integer::intValue).toArray();
  }

  private static float[] window(Random rnd, int off, int n) {
    float[] x = new float[off + n + 3];
    Arrays.fill(x, SENTINEL);
    for (int i = 0; i < n; i++) {
      x[off + i] = rnd.nextFloat() * 2f - 1f;
    }
    return x;
  }

  /** Float sums of n terms: the bound grows with the magnitude of the terms, not of the result. */
  private static double tolerance(double sumOfAbsTerms) {
    return 1e-5 * sumOfAbsTerms + 1e-6;
  }

  private static void assertSentinels(float[] x, int off, int n, String what) {
    for (int i = 0; i < x.length; i++) {
      if (i < off || i >= off + n) {
        assertThat(x[i]).as("%s wrote outside its window at %d (seed %d)", what, i, seed).isEqualTo(SENTINEL);
      }
    }
  }

  /**
   * SIMD {@code dot} equals a scalar replay of its order: four FMA accumulators of L lanes, (0+1)+(2+3),
   * lanes folded by {@link PanamaKernels#sumLanes} (halves down to 4 lanes, then (0+2)+(1+3)), then the
   * scalar tail. With {@code reduceLanes(ADD)}, whose order C2 and the interpreter do not share, a dot
   * changed its last bit once compiled, and a resumed MF-BPR run no longer matched a straight one (AVX2).
   */
  @Test
  void dotSumsInOneFixedOrder() {
    Random rnd = new Random(seed + 43);
    int l = PanamaKernels.lanes();
    for (int n : lengths) {
      for (int[] o : OFFSETS) {
        float[] a = window(rnd, o[0], n);
        float[] b = window(rnd, o[1], n);
        float[][] acc = new float[4][l];
        int i = 0;
        for (; i + 4 * l <= n; i += 4 * l) {
          for (int j = 0; j < 4; j++) {
            for (int x = 0; x < l; x++) {
              acc[j][x] = Math.fma(a[o[0] + i + j * l + x], b[o[1] + i + j * l + x], acc[j][x]);
            }
          }
        }
        for (; i + l <= n; i += l) {
          for (int x = 0; x < l; x++) {
            acc[0][x] = Math.fma(a[o[0] + i + x], b[o[1] + i + x], acc[0][x]);
          }
        }
        float sum = 0f;
        if (n >= l) {
          float[] w = new float[l];
          for (int x = 0; x < l; x++) {
            w[x] = (acc[0][x] + acc[1][x]) + (acc[2][x] + acc[3][x]);
          }
          if (l > 16 || Integer.bitCount(l) != 1) {
            for (int x = 0; x < l; x++) {
              sum += w[x];
            }
          } else {
            for (int width = l / 2; width >= 2; width /= 2) {
              for (int x = 0; x < width; x++) {
                w[x] += w[x + width];
              }
            }
            sum = w[0] + w[1];
          }
        }
        for (; i < n; i++) {
          sum += a[o[0] + i] * b[o[1] + i];
        }
        assertThat(SIMD.dot(a, o[0], b, o[1], n)).as("dot n=" + n + " seed=" + seed).isEqualTo(sum);
      }
    }
  }

  /**
   * The gathered kernels score each row bit for bit as the single-row kernel of the same implementation
   * does (an HNSW search mixes both; SIMD sums lanes in one fixed order, see {@link #dotSumsInOneFixedOrder}).
   * For odd and even counts (the SIMD loop pairs rows), rows at unaligned offsets, and lengths on and off its specialised one-block path; the query and matrix are
   * left alone. A window past the end of the matrix and a count beyond the offsets both fail.
   */
  @Test
  void dotManyAndSquaredDistanceManyEqualTheirSingleRowKernels() {
    Random rnd = new Random(seed);
    for (int n : lengths) {
      for (int count : new int[] {0, 1, 2, 5, 32}) {
        int qOff = rnd.nextInt(4);
        float[] q = window(rnd, qOff, n);
        int rows = count + 3;
        float[] m = window(rnd, 0, rows * (n + 1) + 7);
        float[] m0 = m.clone();
        int[] offsets = new int[count + 2];
        for (int i = 0; i < count; i++) {
          offsets[i] = rnd.nextInt(rows) * (n + 1) + rnd.nextInt(3);
        }
        for (VectorKernels k : BOTH) {
          float[] dots = new float[count + 1];
          float[] dists = new float[count + 1];
          Arrays.fill(dots, SENTINEL);
          Arrays.fill(dists, SENTINEL);
          k.dotMany(q, qOff, m, offsets, count, n, dots);
          k.squaredDistanceMany(q, qOff, m, offsets, count, n, dists);
          for (int i = 0; i < count; i++) {
            String at = k.name() + " n=" + n + " count=" + count + " row " + i + " seed=" + seed;
            float dot = k.dot(q, qOff, m, offsets[i], n);
            float dist = k.squaredDistance(q, qOff, m, offsets[i], n);
            assertThat(dots[i]).as("dot " + at).isEqualTo(dot);
            assertThat(dists[i]).as("squaredDistance " + at).isEqualTo(dist);
          }
          assertThat(dots[count]).as("dotMany wrote past count").isEqualTo(SENTINEL);
          assertThat(dists[count]).as("squaredDistanceMany wrote past count").isEqualTo(SENTINEL);
          assertThat(m).as("the matrix is read only").containsExactly(m0);
        }
      }
    }
    for (VectorKernels k : BOTH) {
      int n = 4 * PanamaKernels.lanes();
      float[] q = new float[n];
      float[] m = new float[3 * n];
      assertThatThrownBy(() -> k.dotMany(q, 0, m, new int[] {0, 2 * n + 1}, 2, n, new float[2]))
          .as(k.name()).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> k.squaredDistanceMany(q, 0, m, new int[] {-1}, 1, n, new float[1]))
          .as(k.name()).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> k.dotMany(q, 0, m, new int[] {0}, 2, n, new float[2]))
          .as(k.name()).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("count=2");
    }
  }

  @Test
  void dotMatchesScalarAndDouble() {
    Random rnd = new Random(seed);
    for (int n : lengths) {
      for (int[] o : OFFSETS) {
        float[] a = window(rnd, o[0], n);
        float[] b = window(rnd, o[1], n);
        double exact = 0;
        double abs = 0;
        for (int i = 0; i < n; i++) {
          exact += (double) a[o[0] + i] * b[o[1] + i];
          abs += Math.abs((double) a[o[0] + i] * b[o[1] + i]);
        }
        float s = SCALAR.dot(a, o[0], b, o[1], n);
        float v = SIMD.dot(a, o[0], b, o[1], n);
        String at = "dot n=" + n + " offsets=" + Arrays.toString(o) + " seed=" + seed;
        assertThat((double) v).as(at).isCloseTo(s, Offset.offset(tolerance(abs)));
        assertThat((double) s).as(at).isCloseTo(exact, Offset.offset(tolerance(abs)));
        assertThat((double) v).as(at).isCloseTo(exact, Offset.offset(tolerance(abs)));
      }
    }
  }

  @Test
  void sumOfSquaresNormAndSquaredDistanceMatchScalarAndDouble() {
    Random rnd = new Random(seed + 1);
    for (int n : lengths) {
      for (int[] o : OFFSETS) {
        float[] a = window(rnd, o[0], n);
        float[] b = window(rnd, o[1], n);
        double ss = 0;
        double dist = 0;
        for (int i = 0; i < n; i++) {
          ss += (double) a[o[0] + i] * a[o[0] + i];
          double d = (double) a[o[0] + i] - b[o[1] + i];
          dist += d * d;
        }
        String at = "n=" + n + " offsets=" + Arrays.toString(o) + " seed=" + seed;
        for (VectorKernels k : BOTH) {
          assertThat((double) k.sumOfSquares(a, o[0], n)).as(k.name() + " sumOfSquares " + at)
              .isCloseTo(ss, Offset.offset(tolerance(ss)));
          assertThat((double) k.norm(a, o[0], n)).as(k.name() + " norm " + at)
              .isCloseTo(Math.sqrt(ss), Offset.offset(tolerance(Math.sqrt(ss))));
          assertThat((double) k.squaredDistance(a, o[0], b, o[1], n)).as(k.name() + " squaredDistance " + at)
              .isCloseTo(dist, Offset.offset(tolerance(dist)));
        }
        assertThat(SIMD.sumOfSquares(a, o[0], n)).as(at)
            .isCloseTo(SCALAR.sumOfSquares(a, o[0], n), Offset.offset((float) tolerance(ss)));
        assertThat(SIMD.squaredDistance(a, o[0], b, o[1], n)).as(at).isCloseTo(
            SCALAR.squaredDistance(a, o[0], b, o[1], n), Offset.offset((float) tolerance(dist)));
      }
    }
  }

  @Test
  void axpyMatchesScalarAndLeavesTheRestAlone() {
    Random rnd = new Random(seed + 2);
    for (int n : lengths) {
      for (int[] o : OFFSETS) {
        float alpha = rnd.nextFloat() * 4f - 2f;
        float[] x = window(rnd, o[0], n);
        float[] y = window(rnd, o[1], n);
        float[] x0 = x.clone();
        float[] ys = y.clone();
        float[] yv = y.clone();
        SCALAR.axpy(alpha, x, o[0], ys, o[1], n);
        SIMD.axpy(alpha, x, o[0], yv, o[1], n);
        String at = "axpy n=" + n + " offsets=" + Arrays.toString(o) + " seed=" + seed;
        for (int i = 0; i < n; i++) {
          double exact = y[o[1] + i] + (double) alpha * x[o[0] + i];
          // One rounding (fma) against two (multiply, add): at most a couple of ulps apart.
          assertThat((double) ys[o[1] + i]).as(at + " i=" + i).isCloseTo(exact, Offset.offset(1e-6));
          assertThat((double) yv[o[1] + i]).as(at + " i=" + i).isCloseTo(exact, Offset.offset(1e-6));
        }
        assertSentinels(ys, o[1], n, "scalar " + at);
        assertSentinels(yv, o[1], n, "simd " + at);
        assertThat(x).as("axpy must not write x; " + at).containsExactly(x0);
      }
    }
  }

  @Test
  void adagradStepMatchesScalarAndADoubleReference() {
    Random rnd = new Random(seed + 11);
    for (int n : lengths) {
      for (int[] o : OFFSETS) {
        float alpha = rnd.nextFloat() * 4f - 2f;
        float decay = rnd.nextFloat() * 0.1f;
        float lr = 0.05f;
        float eps = 1e-10f;
        float[] x = window(rnd, o[0], n);
        float[] w = window(rnd, o[1], n);
        float[] acc = window(rnd, o[1], n);
        for (int i = 0; i < n; i++) {
          acc[o[1] + i] = Math.abs(acc[o[1] + i]); // accumulators are sums of squares
        }
        float[] x0 = x.clone();
        float[] ws = w.clone();
        float[] wv = w.clone();
        float[] as = acc.clone();
        float[] av = acc.clone();
        SCALAR.adagradStep(alpha, x, o[0], decay, ws, o[1], as, o[1], lr, eps, n);
        SIMD.adagradStep(alpha, x, o[0], decay, wv, o[1], av, o[1], lr, eps, n);
        String at = "adagradStep n=" + n + " offsets=" + Arrays.toString(o) + " seed=" + seed;
        for (int i = 0; i < n; i++) {
          double wi = w[o[1] + i];
          double g = alpha * (double) x[o[0] + i] + decay * wi;
          double a = acc[o[1] + i] + g * g;
          double exactW = wi - lr * g / (Math.sqrt(a) + eps);
          for (float[][] got : new float[][][] {{ws, as}, {wv, av}}) {
            assertThat((double) got[1][o[1] + i]).as(at + " acc i=" + i).isCloseTo(a, Offset.offset(1e-5 * (1 + a)));
            assertThat((double) got[0][o[1] + i]).as(at + " w i=" + i).isCloseTo(exactW, Offset.offset(1e-6));
          }
        }
        assertSentinels(ws, o[1], n, "scalar w " + at);
        assertSentinels(wv, o[1], n, "simd w " + at);
        assertSentinels(as, o[1], n, "scalar acc " + at);
        assertSentinels(av, o[1], n, "simd acc " + at);
        assertThat(x).as("adagradStep must not write x; " + at).containsExactly(x0);
      }
    }
  }

  @Test
  void scaleIsExactlyTheScalarProduct() {
    Random rnd = new Random(seed + 3);
    for (int n : lengths) {
      for (int[] o : OFFSETS) {
        float alpha = rnd.nextFloat() * 4f - 2f;
        float[] x = window(rnd, o[0], n);
        float[] xs = x.clone();
        float[] xv = x.clone();
        SCALAR.scale(alpha, xs, o[0], n);
        SIMD.scale(alpha, xv, o[0], n);
        // A single IEEE multiply per element: both paths round identically.
        assertThat(xv).as("scale n=" + n + " seed=" + seed).containsExactly(xs);
        for (int i = 0; i < n; i++) {
          assertThat(xs[o[0] + i]).isEqualTo(x[o[0] + i] * alpha);
        }
        assertSentinels(xv, o[0], n, "simd scale n=" + n);
      }
    }
  }

  @Test
  void tanhMatchesTheScalarTwinBitForBitAndMathTanh() {
    Random rnd = new Random(seed + 41);
    for (int n : lengths) {
      for (int[] o : OFFSETS) {
        float[] x = window(rnd, o[0], n);
        for (int i = 0; i < n; i++) {
          x[o[0] + i] *= i % 3 == 0 ? 12f : i % 3 == 1 ? 2f : 1e-3f; // saturated, curved, linear
        }
        float[] xs = x.clone();
        float[] xv = x.clone();
        SCALAR.tanh(xs, o[0], n);
        SIMD.tanh(xv, o[0], n);
        assertThat(xv).as("simd tanh bit for bit the scalar twin's, n=" + n + " seed=" + seed).containsExactly(xs);
        for (int i = 0; i < n; i++) {
          double exact = Math.tanh(x[o[0] + i]);
          assertThat((double) xs[o[0] + i]).as("tanh n=" + n + " i=" + i + " seed=" + seed)
              .isCloseTo(exact, Offset.offset(4e-7 * Math.abs(exact) + 1e-30));
        }
        assertSentinels(xs, o[0], n, "scalar tanh n=" + n);
        assertSentinels(xv, o[0], n, "simd tanh n=" + n);
      }
    }
  }

  @Test
  void dotRowsMatchesDotPerRow() {
    Random rnd = new Random(seed + 4);
    int l = PanamaKernels.lanes();
    int[] dims = {0, 1, 3, l - 1, l, l + 1, 4 * l + 5, 64, 65};
    int[] rowCounts = {0, 1, 3, 4, 5, 9, 17};
    for (int dim : dims) {
      for (int rows : rowCounts) {
        int qOff = rnd.nextInt(3);
        int mOff = rnd.nextInt(3);
        int outOff = rnd.nextInt(3);
        float[] q = window(rnd, qOff, dim);
        float[] matrix = window(rnd, mOff, rows * dim);
        for (VectorKernels k : BOTH) {
          float[] out = new float[outOff + rows + 2];
          Arrays.fill(out, SENTINEL);
          k.dotRows(q, qOff, matrix, mOff, rows, dim, out, outOff);
          String at = k.name() + " dotRows dim=" + dim + " rows=" + rows + " seed=" + seed;
          for (int r = 0; r < rows; r++) {
            double exact = 0;
            double abs = 0;
            for (int p = 0; p < dim; p++) {
              double t = (double) q[qOff + p] * matrix[mOff + r * dim + p];
              exact += t;
              abs += Math.abs(t);
            }
            assertThat((double) out[outOff + r]).as(at + " r=" + r)
                .isCloseTo(exact, Offset.offset(tolerance(abs)));
            assertThat(out[outOff + r]).as(at + " r=" + r).isCloseTo(SCALAR.dot(q, qOff, matrix, mOff + r * dim, dim),
                Offset.offset((float) tolerance(abs)));
          }
          assertSentinels(out, outOff, rows, at);
        }
      }
    }
  }

  @Test
  void gemmMatchesNaiveTripleLoop() {
    Random rnd = new Random(seed + 5);
    int nr = 2 * PanamaKernels.lanes();
    int[] ms = {0, 1, 3, 4, 5, 9};
    // 300 columns at k=64 span two 256-column packed panels; k=300 makes panels of one micro-panel.
    int[] ns = {0, 1, 5, nr - 1, nr, nr + 1, 2 * nr + 3, 300};
    int[] ks = {0, 1, 7, PanamaKernels.lanes(), 64, 65, 300};
    for (int m : ms) {
      for (int n : ns) {
        for (int k : ks) {
          int aOff = rnd.nextInt(3);
          int bOff = rnd.nextInt(3);
          int cOff = rnd.nextInt(3);
          int ldc = n + rnd.nextInt(3);
          float[] a = window(rnd, aOff, m * k);
          float[] b = window(rnd, bOff, n * k);
          // C starts random inside the block (gemm accumulates) and sentinel between rows and around.
          float[] c0 = new float[cOff + Math.max(0, m * ldc) + 3];
          Arrays.fill(c0, SENTINEL);
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              c0[cOff + i * ldc + j] = rnd.nextFloat();
            }
          }
          String at = "m=" + m + " n=" + n + " k=" + k + " ldc=" + ldc + " seed=" + seed;
          float[] cs = c0.clone();
          SCALAR.gemm(a, aOff, m, b, bOff, n, k, cs, cOff, ldc);
          float[] cv = c0.clone();
          SIMD.gemm(a, aOff, m, b, bOff, n, k, cv, cOff, ldc);
          boolean[] inBlock = new boolean[c0.length];
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              int at2 = cOff + i * ldc + j;
              inBlock[at2] = true;
              double exact = c0[at2];
              double abs = Math.abs(c0[at2]);
              for (int p = 0; p < k; p++) {
                double t = (double) a[aOff + i * k + p] * b[bOff + j * k + p];
                exact += t;
                abs += Math.abs(t);
              }
              String cell = at + " i=" + i + " j=" + j;
              assertThat((double) cs[at2]).as("scalar " + cell).isCloseTo(exact, Offset.offset(tolerance(abs)));
              assertThat((double) cv[at2]).as("simd " + cell).isCloseTo(exact, Offset.offset(tolerance(abs)));
              assertThat((double) cv[at2]).as("simd vs scalar " + cell)
                  .isCloseTo(cs[at2], Offset.offset(tolerance(abs)));
            }
          }
          for (int x = 0; x < c0.length; x++) {
            if (!inBlock[x]) {
              assertThat(cs[x]).as("scalar wrote outside C's block at %d; %s", x, at).isEqualTo(SENTINEL);
              assertThat(cv[x]).as("simd wrote outside C's block at %d; %s", x, at).isEqualTo(SENTINEL);
            }
          }
        }
      }
    }
  }

  @Test
  void gatherRowsMatchesTheWeightedSumOfRows() {
    Random rnd = new Random(seed + 7);
    int rows = 50;
    for (int dim : lengths) {
      if (dim == 0 || dim > 200) {
        continue;
      }
      float[] x = new float[rows * dim];
      for (int p = 0; p < x.length; p++) {
        x[p] = rnd.nextFloat() * 2f - 1f;
      }
      for (int count : new int[] {0, 1, 3, 17}) {
        int from = 2;
        int[] index = new int[from + count + 1];
        float[] weights = new float[from + count + 1];
        for (int p = 0; p < index.length; p++) {
          index[p] = rnd.nextInt(rows);
          weights[p] = rnd.nextFloat() * 2f - 1f;
        }
        String at = "gatherRows dim=" + dim + " count=" + count + " seed=" + seed;
        for (VectorKernels k : BOTH) {
          float[] y = window(rnd, 3, dim);
          k.gatherRows(index, weights, from, from + count, x, dim, y, 3);
          for (int d = 0; d < dim; d++) {
            double exact = 0;
            double abs = 0;
            for (int p = from; p < from + count; p++) {
              exact += (double) weights[p] * x[index[p] * dim + d];
              abs += Math.abs((double) weights[p] * x[index[p] * dim + d]);
            }
            assertThat((double) y[3 + d]).as(k.name() + " " + at + " d=" + d).isCloseTo(exact, Offset.offset(tolerance(abs)));
          }
          assertSentinels(y, 3, dim, k.name() + " " + at);
        }
      }
    }
    for (VectorKernels k : BOTH) {
      float[] x = new float[8];
      assertThatThrownBy(() -> k.gatherRows(new int[] {0, 2}, new float[] {1f, 1f}, 0, 2, x, 4, new float[4], 0))
          .as(k.name() + ": row 2 of a 2-row matrix").isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void gatherRowsWithATableOffsetMatchesTheScalarTwin() {
    Random rnd = new Random(seed + 11);
    int rows = 40;
    for (int dim : new int[] {1, 7, 16, 64, 67}) {
      for (int xOff : new int[] {0, 3, 12}) {
        float[] x = new float[xOff + rows * dim];
        for (int p = 0; p < x.length; p++) {
          x[p] = rnd.nextFloat() * 2f - 1f;
        }
        int count = 1 + rnd.nextInt(20);
        int[] index = new int[count];
        float[] weights = new float[count];
        for (int p = 0; p < count; p++) {
          index[p] = rnd.nextInt(rows);
          weights[p] = rnd.nextFloat() * 2f - 1f;
        }
        String at = "gatherRows xOff=" + xOff + " dim=" + dim + " seed=" + seed;
        float[] expected = new float[dim];
        Kernels.scalar().gatherRows(index, weights, 0, count, x, xOff, dim, expected, 0);
        for (VectorKernels k : BOTH) {
          float[] y = window(rnd, 2, dim);
          k.gatherRows(index, weights, 0, count, x, xOff, dim, y, 2);
          for (int d = 0; d < dim; d++) {
            double exact = 0;
            double abs = 0;
            for (int p = 0; p < count; p++) {
              exact += (double) weights[p] * x[xOff + index[p] * dim + d];
              abs += Math.abs((double) weights[p] * x[xOff + index[p] * dim + d]);
            }
            assertThat((double) y[2 + d]).as(k.name() + " " + at + " d=" + d).isCloseTo(exact, Offset.offset(tolerance(abs)));
            assertThat((double) y[2 + d]).as(k.name() + " vs scalar " + at + " d=" + d)
                .isCloseTo(expected[d], Offset.offset(2 * tolerance(abs)));
          }
          assertSentinels(y, 2, dim, k.name() + " " + at);
        }
      }
    }
    for (VectorKernels k : BOTH) {
      float[] x = new float[10];
      // rows 0 and 1 of dim 4 from offset 3 need x[3 .. 11): one float past the end
      assertThatThrownBy(() -> k.gatherRows(new int[] {0, 1}, new float[] {1f, 1f}, 0, 2, x, 3, 4, new float[4], 0))
          .as(k.name() + ": offset table past the end").isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void badWindowsFailBeforeWriting() {
    for (VectorKernels k : BOTH) {
      float[] x = new float[10];
      float[] y = new float[10];
      Arrays.fill(y, 1f);
      assertThatThrownBy(() -> k.dot(x, 5, y, 0, 6)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> k.dot(x, 0, y, 0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> k.axpy(1f, x, 0, y, 2, 9)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> k.scale(2f, y, -1, 3)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> k.dotRows(x, 0, y, 0, 3, 4, new float[3], 0))
          .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("matrix block [0, 12)");
      assertThatThrownBy(() -> k.gemm(x, 0, 2, y, 0, 2, 5, new float[4], 0, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("C row stride must be >= its columns; stride=1, cols=2");
      assertThatThrownBy(() -> k.gemm(x, 0, 2, y, 0, 2, 5, new float[3], 0, 2))
          .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("C block");
      assertThat(y).containsOnly(1f);
    }
  }
}
