package dev.funnel.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code adamStep}, {@code reluBackward}, and the three GEMM layouts ({@code gemm} C += A·Bᵀ, {@code gemmNN} C += A·B, {@code gemmTN} C += Aᵀ·B):
 * SIMD against its scalar twin and both against a double-precision triple loop, on random seeded
 * shapes that include odd sizes, edges of the micro-tile and sizes past the packed block bounds (MC
 * rows 128, NC columns 512, KC steps 256), with offsets, ldc > n, and sentinels around C's block.
 */
class GemmLayoutsTest {
  private static final PanamaKernels SIMD = new PanamaKernels();
  private static final ScalarKernels SCALAR = new ScalarKernels();
  private static final float SENTINEL = 12345.5f;
  private static long seed;

  private enum Layout {
    ABT, NN, TN
  }

  @BeforeAll
  static void setUp() {
    seed = Long.getLong("funnel.test.seed", System.nanoTime());
    System.out.println("GemmLayoutsTest seed=" + seed + " (rerun with -Dfunnel.test.seed=" + seed + ") lanes=" + PanamaKernels.lanes());
  }

  /** A(i,p) for the layout: A is m x k rows (ABT, NN) or k x m rows (TN). */
  private static float a(Layout l, float[] a, int aOff, int m, int k, int i, int p) {
    return l == Layout.TN ? a[aOff + p * m + i] : a[aOff + i * k + p];
  }

  /** B(p,j): B is n x k rows (ABT) or k x n rows (NN, TN). */
  private static float b(Layout l, float[] b, int bOff, int n, int k, int p, int j) {
    return l == Layout.ABT ? b[bOff + j * k + p] : b[bOff + p * n + j];
  }

  private static void run(VectorKernels kern, Layout l, float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c,
      int cOff, int ldc) {
    switch (l) {
      case ABT -> kern.gemm(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
      case NN -> kern.gemmNN(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
      case TN -> kern.gemmTN(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
    }
  }

  private static void check(Random rnd, Layout l, int m, int n, int k) {
    int aOff = rnd.nextInt(3);
    int bOff = rnd.nextInt(3);
    int cOff = rnd.nextInt(3);
    int ldc = n + rnd.nextInt(3);
    float[] a = new float[aOff + m * k + 2];
    float[] b = new float[bOff + n * k + 2];
    Arrays.fill(a, SENTINEL);
    Arrays.fill(b, SENTINEL);
    for (int i = 0; i < m * k; i++) {
      a[aOff + i] = rnd.nextFloat() * 2f - 1f;
    }
    for (int i = 0; i < n * k; i++) {
      b[bOff + i] = rnd.nextFloat() * 2f - 1f;
    }
    float[] c0 = new float[cOff + m * ldc + 3];
    Arrays.fill(c0, SENTINEL);
    boolean[] inBlock = new boolean[c0.length];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        c0[cOff + i * ldc + j] = rnd.nextFloat();
        inBlock[cOff + i * ldc + j] = true;
      }
    }
    String at = l + " m=" + m + " n=" + n + " k=" + k + " ldc=" + ldc + " seed=" + seed;
    float[] cs = c0.clone();
    float[] cv = c0.clone();
    run(SCALAR, l, a, aOff, m, b, bOff, n, k, cs, cOff, ldc);
    run(SIMD, l, a, aOff, m, b, bOff, n, k, cv, cOff, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int x = cOff + i * ldc + j;
        double exact = c0[x];
        double abs = Math.abs(c0[x]);
        for (int p = 0; p < k; p++) {
          double t = (double) a(l, a, aOff, m, k, i, p) * b(l, b, bOff, n, k, p, j);
          exact += t;
          abs += Math.abs(t);
        }
        double tol = 1e-5 * abs + 1e-6;
        String cell = at + " i=" + i + " j=" + j;
        assertThat((double) cs[x]).as("scalar " + cell).isCloseTo(exact, Offset.offset(tol));
        assertThat((double) cv[x]).as("simd " + cell).isCloseTo(exact, Offset.offset(tol));
        assertThat((double) cv[x]).as("simd vs scalar " + cell).isCloseTo(cs[x], Offset.offset(tol));
      }
    }
    for (int x = 0; x < c0.length; x++) {
      if (!inBlock[x]) {
        assertThat(cs[x]).as("scalar wrote outside C's block at %d; %s", x, at).isEqualTo(SENTINEL);
        assertThat(cv[x]).as("simd wrote outside C's block at %d; %s", x, at).isEqualTo(SENTINEL);
      }
    }
  }

  @Test
  void smallAndEdgeShapesMatchTheTripleLoop() {
    Random rnd = new Random(seed);
    int nr = 2 * PanamaKernels.lanes();
    int[] ms = {0, 1, 3, 4, 5, 7, 8, 9, 17};
    int[] ns = {0, 1, 5, nr - 1, nr, nr + 1, 2 * nr + 3};
    int[] ks = {0, 1, 7, PanamaKernels.lanes(), 65};
    for (Layout l : Layout.values()) {
      for (int m : ms) {
        for (int n : ns) {
          for (int k : ks) {
            check(rnd, l, m, n, k);
          }
        }
      }
    }
  }

  @Test
  void randomShapesAcrossPackedBlocksMatchTheTripleLoop() {
    Random rnd = new Random(seed + 1);
    for (Layout l : Layout.values()) {
      // one shape past every block bound at once, then random ones (odd sizes likely)
      check(rnd, l, 131, 517, 259);
      for (int t = 0; t < 6; t++) {
        check(rnd, l, 1 + rnd.nextInt(200), 1 + rnd.nextInt(600), 1 + rnd.nextInt(300));
      }
    }
  }

  @Test
  void reluBackwardPassesGradientsOfPositiveInputsOnly() {
    Random rnd = new Random(seed + 2);
    for (int n : new int[] {0, 1, 7, PanamaKernels.lanes(), 2 * PanamaKernels.lanes() + 3, 401}) {
      float[] z = new float[n + 2];
      float[] dy = new float[n + 2];
      for (int i = 0; i < z.length; i++) {
        z[i] = rnd.nextInt(5) == 0 ? 0f : rnd.nextFloat() * 2f - 1f; // exact zeros must give 0
        dy[i] = rnd.nextFloat() * 2f - 1f;
      }
      float[] expected = new float[n];
      for (int i = 0; i < n; i++) {
        expected[i] = z[i + 1] > 0f ? dy[i + 2] : 0f;
      }
      for (VectorKernels k : new VectorKernels[] {SCALAR, SIMD}) {
        float[] dz = new float[n + 1];
        Arrays.fill(dz, SENTINEL);
        k.reluBackward(z, 1, dy, 2, dz, 0, n);
        assertThat(Arrays.copyOf(dz, n)).as("%s n=%d seed=%d", k.name(), n, seed).containsExactly(expected);
        assertThat(dz[n]).as("%s wrote past its window", k.name()).isEqualTo(SENTINEL);
        float[] inPlace = Arrays.copyOfRange(dy, 2, n + 2);
        k.reluBackward(z, 1, inPlace, 0, inPlace, 0, n);
        assertThat(inPlace).as("%s in place n=%d", k.name(), n).containsExactly(expected);
      }
    }
  }

  @Test
  void adamStepMatchesTheScalarTwin() {
    Random rnd = new Random(seed + 3);
    for (int n : new int[] {0, 1, 15, PanamaKernels.lanes() * 3 + 5, 1031}) {
      float[] grad = new float[n + 1];
      float[] w = new float[n + 2];
      float[] moments = new float[2 * n + 3];
      for (int i = 0; i < grad.length; i++) {
        grad[i] = rnd.nextFloat() * 2f - 1f;
      }
      for (int i = 0; i < w.length; i++) {
        w[i] = rnd.nextFloat() * 2f - 1f;
      }
      for (int i = 0; i < moments.length; i++) {
        moments[i] = rnd.nextFloat() * (i % 2 == 0 ? 0.1f : 0.01f); // v >= 0 wherever it lands
      }
      float[] ws = w.clone();
      float[] ms = moments.clone();
      float[] wv = w.clone();
      float[] mv = moments.clone();
      for (int step = 1; step <= 3; step++) {
        float c1 = (float) (1 / (1 - Math.pow(0.9, step)));
        float c2 = (float) (1 / (1 - Math.pow(0.999, step)));
        SCALAR.adamStep(0.5f, grad, 1, 1e-3f, ws, 2, ms, 1, 1 + n + 1, 0.9f, 0.999f, 1e-3f, c1, c2, 1e-8f, n);
        SIMD.adamStep(0.5f, grad, 1, 1e-3f, wv, 2, mv, 1, 1 + n + 1, 0.9f, 0.999f, 1e-3f, c1, c2, 1e-8f, n);
      }
      for (int i = 0; i < w.length; i++) {
        assertThat(wv[i]).as("w[%d] n=%d seed=%d", i, n, seed).isCloseTo(ws[i], Offset.offset(1e-6f));
      }
      for (int i = 0; i < moments.length; i++) {
        assertThat(mv[i]).as("moments[%d] n=%d seed=%d", i, n, seed).isCloseTo(ms[i], Offset.offset(1e-6f));
      }
      if (n > 0) {
        assertThat(ws[2]).as("the step moved w").isNotEqualTo(w[2]);
      }
      assertThat(ws[0]).as("w before its window").isEqualTo(w[0]);
      assertThat(ms[0]).as("moments before m's window").isEqualTo(moments[0]);
    }
  }

  @Test
  void badWindowsAreRefusedBeforeWriting() {
    for (VectorKernels k : new VectorKernels[] {SCALAR, SIMD}) {
      float[] c = new float[4];
      // A·B: A is 2 x 5 (10 floats), B 5 x 2 (10 floats)
      assertThatThrownBy(() -> k.gemmNN(new float[9], 0, 2, new float[10], 0, 2, 5, c, 0, 2))
          .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("A block");
      assertThatThrownBy(() -> k.gemmNN(new float[10], 0, 2, new float[9], 0, 2, 5, c, 0, 2))
          .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("B block");
      assertThatThrownBy(() -> k.gemmTN(new float[10], 0, 2, new float[10], 0, 2, 5, new float[3], 0, 2))
          .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("C block");
      assertThatThrownBy(() -> k.gemmTN(new float[10], 0, 2, new float[10], 0, 2, 5, c, 0, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride");
      assertThat(c).containsOnly(0f);
    }
  }
}
