package dev.funnel.bench.kernel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The {@code kernels} preset kind: runs {@link KernelBenchmarks} through JMH with short iterations and
 * pairs the scalar and SIMD results of each (kernel, size) into one row: ns per call, calls/s and
 * GFLOP/s for each, and the SIMD/scalar ratio.
 *
 * <p>Floating-point operations per call, for GFLOP/s: dot and axpy 2n (one multiply-add per
 * element; axpy runs twice per call, so 4n); adagradStep 9n (alpha*x, decay*w, add, g*g+acc, sqrt,
 * +eps, lr*g, divide, subtract); dotRows 2 * dim * items; gemm 2 * users * dim * items.
 */
public final class KernelRows {
  private KernelRows() {}

  public static List<Map<String, Object>> run(Map<String, Object> spec) throws RunnerException {
    int warmups = ((Number) spec.getOrDefault("warmup_iterations", 2)).intValue();
    int iterations = ((Number) spec.getOrDefault("iterations", 3)).intValue();
    long millis = ((Number) spec.getOrDefault("iteration_millis", 500)).longValue();
    Options options = new OptionsBuilder()
        .include(KernelBenchmarks.class.getName() + "\\.")
        .forks(1)
        .warmupIterations(warmups)
        .warmupTime(TimeValue.milliseconds(millis))
        .measurementIterations(iterations)
        .measurementTime(TimeValue.milliseconds(millis))
        .build();
    Collection<RunResult> results = new Runner(options).run();
    // (kernel, size) -> impl -> ns per call
    Map<String, Map<String, Double>> byKey = new TreeMap<>();
    for (RunResult r : results) {
      String method = r.getParams().getBenchmark();
      String kernel = method.substring(method.lastIndexOf('.') + 1);
      String impl = r.getParams().getParam("impl");
      String dim = r.getParams().getParam("dim");
      String key = kernel + "|" + (dim == null ? "64x" + KernelBenchmarks.ITEMS : dim);
      byKey.computeIfAbsent(key, x -> new TreeMap<>()).put(impl, r.getPrimaryResult().getScore());
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, Double>> e : byKey.entrySet()) {
      String[] parts = e.getKey().split("\\|");
      String kernel = parts[0];
      double flops = flops(kernel, parts[1]);
      Double scalar = e.getValue().get("scalar");
      Double simd = e.getValue().get("panama");
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("kernel", kernel);
      row.put("size", kernel.equals("gemm") ? KernelBenchmarks.USERS + "x" + KernelBenchmarks.DIM + "x"
          + KernelBenchmarks.ITEMS : parts[1]);
      put(row, "scalar", scalar, flops);
      put(row, "simd", simd, flops);
      row.put("ratio", scalar == null || simd == null ? null : Math.round(scalar / simd * 100) / 100.0);
      System.out.println(row);
      rows.add(row);
    }
    return rows;
  }

  private static void put(Map<String, Object> row, String impl, Double nsPerCall, double flops) {
    if (nsPerCall == null) {
      return;
    }
    row.put(impl + "_ns", Math.round(nsPerCall * 10) / 10.0);
    row.put(impl + "_ops_per_s", Math.round(1e9 / nsPerCall));
    row.put(impl + "_gflops", Math.round(flops / nsPerCall * 100) / 100.0);
  }

  private static double flops(String kernel, String size) {
    int n = size.contains("x") ? KernelBenchmarks.DIM : Integer.parseInt(size);
    return switch (kernel) {
      case "dot" -> 2.0 * n;
      case "axpy" -> 4.0 * n;
      case "adagradStep" -> 9.0 * n;
      case "dotRows" -> 2.0 * KernelBenchmarks.DIM * KernelBenchmarks.ITEMS;
      case "gemm" -> 2.0 * KernelBenchmarks.USERS * KernelBenchmarks.DIM * KernelBenchmarks.ITEMS;
      default -> throw new IllegalStateException("no flop count for kernel " + kernel);
    };
  }
}
