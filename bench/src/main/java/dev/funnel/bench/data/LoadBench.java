package dev.funnel.bench.data;

import dev.funnel.data.Dataset;
import dev.funnel.data.DatasetStats;
import dev.funnel.data.io.DatasetLoader;
import dev.funnel.data.io.LoadOptions;
import dev.funnel.data.io.LoadResult;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times {@link DatasetLoader#load} in one JVM: the first (cold) load, then warm repeats.
 *
 * <pre>java -cp core/target/classes:bench/target/classes dev.funnel.bench.data.LoadBench lightgcn:../shared/data/gowalla 10</pre>
 */
public final class LoadBench {
  private LoadBench() {}

  public static void main(String[] args) {
    String spec = args.length > 0 ? args[0] : "lightgcn:../shared/data/gowalla";
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    // Thread CPU time next to wall time: on a shared machine the wall time includes waiting for a core.
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu0 = mx.getCurrentThreadCpuTime();
    LoadResult first = DatasetLoader.load(spec, LoadOptions.defaults());
    double firstCpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
    Dataset d = first.dataset();
    System.out.printf(Locale.ROOT, "%s: %d users, %d items, %d train, %d test cells%n", spec, d.numUsers(), d.numItems(), d.train().nnz(),
        d.test().nnz());
    System.out.printf(Locale.ROOT, "cold first load: %.3f s wall, %.3f s CPU of the loading thread%n", first.seconds(), firstCpu);
    double[] warm = new double[repeats];
    double[] warmCpu = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long c0 = mx.getCurrentThreadCpuTime();
      warm[r] = DatasetLoader.load(spec, LoadOptions.defaults()).seconds();
      warmCpu[r] = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
    }
    if (repeats > 0) {
      double[] s = warm.clone();
      Arrays.sort(s);
      double[] c = warmCpu.clone();
      Arrays.sort(c);
      System.out.printf(Locale.ROOT, "warm loads (%d): wall min %.3f s, median %.3f s, max %.3f s; CPU min %.3f s, median %.3f s%n", repeats,
          s[0], s[s.length / 2], s[s.length - 1], c[0], c[c.length / 2]);
    }
    for (String[] row : DatasetStats.of(d).rows()) {
      System.out.printf(Locale.ROOT, "  %-24s %s%n", row[0], row[1]);
    }
    System.out.println("  split: " + d.split().summary());
    System.out.printf(Locale.ROOT, "java %s, %d cpus, max heap %d MB, load average %.2f%n", System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
