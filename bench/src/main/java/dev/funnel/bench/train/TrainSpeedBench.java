package dev.funnel.bench.train;

import com.sun.management.OperatingSystemMXBean;
import dev.funnel.config.Params;
import dev.funnel.data.Dataset;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.mf.MfBpr;
import dev.funnel.recall.mf.MfBprConfig;
import dev.funnel.util.Progress;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Epoch time and thread scaling of MF-BPR training (kind {@code train-speed}). For each thread count
 * it trains {@code epochs} epochs (the first {@code warmup} are JIT warm-up and not counted) and
 * times every epoch from the validation callback, which runs on the caller's thread between epochs.
 *
 * <p>Two clocks per epoch: wall seconds (what a user waits; inflated when other processes share the
 * cores) and process CPU seconds (what the epoch costs; close to thread-count times wall on an idle
 * machine). Rows report the best (minimum) epoch of each, since noise from other processes only ever
 * adds time. Scaling is reported two ways: {@code scaling_wall} (best wall throughput on n threads over
 * best on 1), which is the figure on an idle machine, and {@code scaling_cpu} = n * (examples per CPU
 * second on n threads) / (examples per CPU second on 1), the speed-up n dedicated cores would give,
 * which stays meaningful when the machine is shared.
 */
public final class TrainSpeedBench {
  private TrainSpeedBench() {}

  public static List<Map<String, Object>> run(Dataset d, Map<String, String> params, int[] threadCounts, int epochs,
      int warmup) {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<Map<String, Object>> rows = new ArrayList<>();
    double baseWall = 0;
    double baseCpu = 0;
    long examples = d.train().nnz();
    for (int threads : threadCounts) {
      Map<String, String> p = new LinkedHashMap<>(params);
      p.put("epochs", Integer.toString(epochs));
      p.put("threads", Integer.toString(threads));
      MfBprConfig config = Params.bind(MfBprConfig.defaults(), p);
      double[] wall = new double[epochs];
      double[] cpu = new double[epochs];
      long[] last = {System.nanoTime(), os.getProcessCpuTime()};
      int[] epoch = {0};
      // The validation callback is the clock: it runs right after each epoch, before any other work.
      new MfBpr().train(d.train(), config, new TrainContext(threads, 42L, Progress.NONE), model -> {
        long now = System.nanoTime();
        long cpuNow = os.getProcessCpuTime();
        wall[epoch[0]] = (now - last[0]) / 1e9;
        cpu[epoch[0]] = (cpuNow - last[1]) / 1e9;
        epoch[0]++;
        last[0] = System.nanoTime();
        last[1] = os.getProcessCpuTime();
        return 0;
      }, 1, 0);
      double[] w = Arrays.copyOfRange(wall, warmup, epochs);
      double[] c = Arrays.copyOfRange(cpu, warmup, epochs);
      Arrays.sort(w);
      Arrays.sort(c);
      double bestWall = w[0];
      double bestCpu = c[0];
      if (rows.isEmpty()) {
        baseWall = examples / bestWall;
        baseCpu = examples / bestCpu;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("model", MfBpr.NAME);
      row.put("threads", threads);
      row.put("epochs_timed", w.length);
      row.put("best_epoch_seconds", round3(bestWall));
      row.put("median_epoch_seconds", round3(w[w.length / 2]));
      row.put("best_epoch_cpu_seconds", round3(bestCpu));
      row.put("examples_per_s", Math.round(examples / bestWall));
      row.put("examples_per_cpu_s", Math.round(examples / bestCpu));
      row.put("scaling_wall", round3(examples / bestWall / baseWall));
      row.put("scaling_cpu", round3(threads * (examples / bestCpu) / baseCpu / threadCounts[0]));
      System.out.printf(Locale.ROOT, "%s threads=%d wall/epoch %s cpu/epoch %s -> %s%n", MfBpr.NAME, threads,
          Arrays.toString(round(wall)), Arrays.toString(round(cpu)), row);
      rows.add(row);
    }
    return rows;
  }

  private static double[] round(double[] x) {
    double[] r = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      r[i] = Math.round(x[i] * 100) / 100.0;
    }
    return r;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
