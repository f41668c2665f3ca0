package dev.funnel.bench.explore;

import dev.funnel.pipeline.explore.BanditSimulation;
import dev.funnel.pipeline.explore.LinearBandit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code kind: explore-sim}: cumulative regret of LinUCB, linear Thompson sampling and
 * epsilon-greedy on {@link BanditSimulation}'s seeded world, every policy filling the same
 * exploration slots (rounds). One row per policy (regret averaged over the seeds, its range, the
 * log-log slope between T/10 and T, and R(T)/R(T/2): 2 for linear growth, about 1.41 for sqrt(T));
 * the mean curves are written to a CSV and an SVG plot under the repository (keys {@code csv},
 * {@code svg}). With {@code items_candidates}, the same policies also run on the fresh-items world
 * ({@link BanditSimulation#runItems}: a shared model over item features; {@code items_csv},
 * {@code items_svg}).
 */
public final class ExploreSimBench {
  private ExploreSimBench() {}

  public static List<Map<String, Object>> run(Map<String, Object> spec, Path root, Path preset) throws IOException {
    int arms = num(spec, "arms", 8).intValue();
    int segments = num(spec, "segments", 4).intValue();
    int rounds = num(spec, "rounds", 200_000).intValue();
    int checkpoints = num(spec, "checkpoints", 40).intValue();
    double alpha = num(spec, "alpha", 1.0).doubleValue();
    double v = num(spec, "thompson_v", 0.2).doubleValue();
    double ridge = num(spec, "ridge", 1.0).doubleValue();
    List<Long> seeds = new ArrayList<>();
    for (Object o : (List<?>) spec.getOrDefault("seeds", List.of(1, 2, 3))) {
      seeds.add(((Number) o).longValue());
    }
    List<Double> epsilons = new ArrayList<>();
    for (Object o : (List<?>) spec.getOrDefault("epsilons", List.of(0.05, 0.1))) {
      epsilons.add(((Number) o).doubleValue());
    }
    List<Map<String, Object>> rows = new ArrayList<>(runWorld("channels", 1 + segments + 3, false, alpha, v, ridge, epsilons, seeds, arms,
        segments, rounds, checkpoints, (sim, label, config) -> sim.run(label, config, checkpoints), root, (String) spec.get("csv"),
        (String) spec.get("svg"), String.format(Locale.ROOT, "Cumulative regret, %d channel arms x %d segments, mean of %d seeds", arms,
            segments, seeds.size())));
    int candidates = num(spec, "items_candidates", 0).intValue();
    if (candidates > 0) {
      rows.addAll(runWorld("items", 13, true, alpha, v, ridge, epsilons, seeds, arms, segments, rounds, checkpoints,
          (sim, label, config) -> sim.runItems(label, config, candidates, checkpoints), root, (String) spec.get("items_csv"),
          (String) spec.get("items_svg"), String.format(Locale.ROOT, "Cumulative regret, fresh items (%d per slot, shared model), mean of %d seeds",
              candidates, seeds.size())));
    }
    return rows;
  }

  private interface Runner {
    BanditSimulation.Curve run(BanditSimulation sim, String label, LinearBandit.Config config);
  }

  private static List<Map<String, Object>> runWorld(String world, int dim, boolean shared, double alpha, double v, double ridge,
      List<Double> epsilons, List<Long> seeds, int arms, int segments, int rounds, int checkpoints, Runner runner, Path root, String csv,
      String svg, String title) throws IOException {
    List<String> labels = new ArrayList<>();
    List<LinearBandit.Config> configs = new ArrayList<>();
    labels.add(String.format(Locale.ROOT, "linucb alpha=%s", alpha));
    configs.add(new LinearBandit.Config(LinearBandit.Policy.LINUCB, dim, shared, alpha, ridge, 0));
    labels.add(String.format(Locale.ROOT, "thompson v=%s", v));
    configs.add(new LinearBandit.Config(LinearBandit.Policy.THOMPSON, dim, shared, v, ridge, 0));
    for (double e : epsilons) {
      labels.add(String.format(Locale.ROOT, "epsilon-greedy eps=%s", e));
      configs.add(new LinearBandit.Config(LinearBandit.Policy.EPSILON_GREEDY, dim, shared, 0, ridge, e));
    }
    int p = configs.size();
    double[][] mean = null;
    long[] at = null;
    double[][] totals = new double[p][seeds.size()];
    double[] clicks = new double[p];
    long[] millis = new long[p];
    for (int s = 0; s < seeds.size(); s++) {
      BanditSimulation sim = new BanditSimulation(new BanditSimulation.World(arms, segments, rounds, seeds.get(s)));
      for (int i = 0; i < p; i++) {
        long t0 = System.nanoTime();
        BanditSimulation.Curve c = runner.run(sim, labels.get(i), configs.get(i));
        millis[i] += (System.nanoTime() - t0) / 1_000_000;
        if (mean == null) {
          at = c.rounds();
          mean = new double[p][at.length];
        }
        for (int k = 0; k < at.length; k++) {
          mean[i][k] += c.regret()[k] / seeds.size();
        }
        totals[i][s] = c.total();
        clicks[i] += (double) c.clicks() / seeds.size();
        System.out.printf(Locale.ROOT, "%s seed %d %-26s regret %8.1f slope %.2f%n", world, seeds.get(s), labels.get(i), c.total(), c.slope());
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < p; i++) {
      BanditSimulation.Curve m = new BanditSimulation.Curve(labels.get(i), at, mean[i], 0);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("world", world);
      row.put("policy", labels.get(i));
      row.put("rounds", rounds);
      row.put("seeds", seeds.size());
      row.put("regret", round(m.total()));
      row.put("regret_min", round(java.util.Arrays.stream(totals[i]).min().orElse(0)));
      row.put("regret_max", round(java.util.Arrays.stream(totals[i]).max().orElse(0)));
      row.put("regret_at_10pct", round(at(m, rounds / 10)));
      row.put("regret_at_50pct", round(at(m, rounds / 2)));
      row.put("growth_T_over_half", round(m.total() / at(m, rounds / 2)));
      row.put("loglog_slope", round(m.slope()));
      row.put("ctr", round(clicks[i] / rounds));
      row.put("millis", millis[i]);
      rows.add(row);
      System.out.println(row);
    }
    if (csv != null) {
      StringBuilder sb = new StringBuilder("round");
      for (String l : labels) {
        sb.append(',').append(l.replace(' ', '_'));
      }
      sb.append('\n');
      for (int k = 0; k < at.length; k++) {
        sb.append(at[k]);
        for (int i = 0; i < p; i++) {
          sb.append(',').append(String.format(Locale.ROOT, "%.2f", mean[i][k]));
        }
        sb.append('\n');
      }
      write(root.resolve(csv), sb.toString());
    }
    if (svg != null) {
      SvgPlot plot = new SvgPlot(title, "exploration slots (rounds)", "cumulative expected regret (clicks)");
      double[] x = new double[at.length + 1];
      for (int k = 0; k < at.length; k++) {
        x[k + 1] = at[k];
      }
      for (int i = 0; i < p; i++) {
        double[] y = new double[at.length + 1];
        System.arraycopy(mean[i], 0, y, 1, at.length);
        plot.line(labels.get(i), x, y);
      }
      write(root.resolve(svg), plot.render());
    }
    return rows;
  }

  private static double at(BanditSimulation.Curve c, long round) {
    for (int k = 0; k < c.rounds().length; k++) {
      if (c.rounds()[k] >= round) {
        return c.regret()[k];
      }
    }
    return c.total();
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, text);
    System.out.println("wrote " + file);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static Number num(Map<String, Object> spec, String key, Number fallback) {
    Object o = spec.get(key);
    if (o == null) {
      return fallback;
    }
    if (!(o instanceof Number n)) {
      throw new IllegalArgumentException("field '" + key + "' must be a number; " + key + "=" + o);
    }
    return n;
  }
}
