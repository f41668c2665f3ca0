package dev.funnel.bench.kernel;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scalar vs SIMD kernels at the sizes the embedding models use (dimension 64, gowalla's 40,981
 * items). Run (after {@code mvn -o -q -B -pl bench -am package -DskipTests}):
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'bench/target/funnel-bench.jar:bench/target/lib/*' \
 *   org.openjdk.jmh.Main dev.funnel.bench.kernel.KernelBenchmarks -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 *
 * <p>Average time per call. The fork gets {@code --add-modules jdk.incubator.vector} so the
 * {@code panama} rows measure SIMD (they fail rather than fall back when it is unavailable).
 * {@code gemm} accumulates into the same C every call (no zeroing inside the measurement); the
 * 64 x 40,981 block is one step of full-sort scoring with 64 users per block.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KernelBenchmarks {
  static final int ITEMS = 40_981;
  static final int DIM = 64;
  static final int USERS = 64;

  static VectorKernels kernels(String impl) {
    return switch (impl) {
      case "scalar" -> Kernels.scalar();
      case "panama" -> Kernels.simd().orElseThrow(() -> new IllegalStateException(
          "SIMD kernels unavailable: " + Kernels.simdUnavailableReason().orElse("?")));
      default -> throw new IllegalArgumentException("impl must be scalar or panama; impl=" + impl);
    };
  }

  static float[] random(SplittableRandom rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }

  @State(Scope.Thread)
  public static class DotState {
    @Param({"scalar", "panama"})
    String impl;

    @Param({"64", "1024"})
    int dim;

    VectorKernels k;
    float[] a;
    float[] b;
    float[] acc;

    @Setup
    public void setUp() {
      k = kernels(impl);
      SplittableRandom rnd = new SplittableRandom(42);
      a = random(rnd, dim);
      b = random(rnd, dim);
      acc = new float[dim];
      java.util.Arrays.fill(acc, 1f);
    }
  }

  @State(Scope.Thread)
  public static class MatrixState {
    @Param({"scalar", "panama"})
    String impl;

    VectorKernels k;
    float[] users;
    float[] items;
    float[] scores;
    float[] block;

    @Setup
    public void setUp() {
      k = kernels(impl);
      SplittableRandom rnd = new SplittableRandom(42);
      users = random(rnd, USERS * DIM);
      items = random(rnd, ITEMS * DIM);
      scores = new float[ITEMS];
      block = new float[USERS * ITEMS];
    }
  }

  @Benchmark
  public float dot(DotState s) {
    return s.k.dot(s.a, 0, s.b, 0, s.dim);
  }

  /** y += alpha x; alpha alternates sign so y stays bounded over millions of calls. */
  @Benchmark
  public float[] axpy(DotState s) {
    s.k.axpy(1e-3f, s.a, 0, s.b, 0, s.dim);
    s.k.axpy(-1e-3f, s.a, 0, s.b, 0, s.dim);
    return s.b;
  }

  /**
   * One fused Adagrad row step (the MF-BPR item update) with a tiny step so the row does not drift;
   * the accumulator grows, which does not change the cost.
   */
  @Benchmark
  public float[] adagradStep(DotState s) {
    s.k.adagradStep(0.5f, s.a, 0, 0.01f, s.b, 0, s.acc, 0, 1e-6f, 1e-10f, s.dim);
    return s.b;
  }

  /** One user against every item: 64 x 40,981 multiply-adds. */
  @Benchmark
  public float[] dotRows(MatrixState s) {
    s.k.dotRows(s.users, 0, s.items, 0, ITEMS, DIM, s.scores, 0);
    return s.scores;
  }

  /** 64 users against every item: C(64 x 40,981) += U(64 x 64) · V(40,981 x 64)ᵀ, 168M multiply-adds. */
  @Benchmark
  public float[] gemm(MatrixState s) {
    s.k.gemm(s.users, 0, USERS, s.items, 0, ITEMS, DIM, s.block, 0, ITEMS);
    return s.block;
  }
}
