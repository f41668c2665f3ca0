package dev.funnel.bench.kernel;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import java.util.SplittableRandom;

/**
 * GFLOP/s of {@link VectorKernels#gemmNN} on one thread at DeepFM's training shapes (batch 4096, MLP
 * 400-400-400 over 10 fields x 10 dims), to hold against the cores' peak and against OpenBLAS on the
 * same shapes ({@code bench/peers/gemm_peak.py}). Run: {@code java --add-modules jdk.incubator.vector
 * -cp 'bench/target/funnel-bench.jar:bench/target/lib/*' dev.funnel.bench.kernel.GemmShapes}.
 */
public final class GemmShapes {
  /** m, k, n of C(m x n) += A(m x k) B(k x n). */
  static final int[][] SHAPES = {{4096, 400, 400}, {400, 4096, 400}, {4096, 100, 400}};

  private GemmShapes() {}

  public static void main(String[] args) {
    VectorKernels k = Kernels.get();
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    System.out.println(k.getClass().getSimpleName() + ", one thread, " + reps + " calls per shape after 20 warm-up calls");
    for (int[] s : SHAPES) {
      int m = s[0];
      int kk = s[1];
      int n = s[2];
      float[] a = new float[m * kk];
      float[] b = new float[kk * n];
      float[] c = new float[m * n];
      SplittableRandom r = new SplittableRandom(1);
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) r.nextGaussian();
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) r.nextGaussian();
      }
      for (int w = 0; w < 20; w++) {
        k.gemmNN(a, 0, m, b, 0, n, kk, c, 0, n);
      }
      long t = System.nanoTime();
      for (int w = 0; w < reps; w++) {
        k.gemmNN(a, 0, m, b, 0, n, kk, c, 0, n);
      }
      double seconds = (System.nanoTime() - t) / 1e9;
      System.out.printf("%dx%d * %dx%d: %.1f GFLOP/s%n", m, kk, kk, n, 2.0 * m * kk * n * reps / seconds / 1e9);
    }
  }
}
