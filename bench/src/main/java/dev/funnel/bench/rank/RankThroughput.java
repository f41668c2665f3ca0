package dev.funnel.bench.rank;

import dev.funnel.bench.BenchRunner;
import dev.funnel.config.Params;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.LibsvmReader;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.deepfm.DeepFmModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code rank-throughput} preset kind: training and scoring speed of rankers, with no quality fit
 * (the {@code frappe-*} presets give quality). Per model: {@code train_samples_per_s} from fits of
 * {@code epochs} epochs without validation on each of {@code threads} (samples x epochs / wall
 * seconds; the row's figure is the most threads', all are in {@code train_samples_per_s_by_threads}),
 * {@code score_per_s} from scoring the whole test file repeatedly for {@code score_seconds}
 * (DeepFM: also per thread count, {@code score_per_s_by_threads}), and {@code candidates_ms}: the
 * median wall time of scoring one batch of {@code candidates} test rows, the ranking stage's unit of work.
 *
 * <p>{@code peers}: a list of {@code {peer: torch-deepfm, params: {...}}} run as a child process
 * after the Funnel rows ({@code bench/peers/deepfm_torch.py}, Debian's python3-torch), on the same
 * files; the Funnel row of the same model gets {@code train_ratio_to_peer} and {@code
 * score_ratio_to_peer}, the comparison that stays meaningful on a shared, noisy machine.
 */
public final class RankThroughput {

  private RankThroughput() {}

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> run(Map<String, Object> spec, Path root, Path dataRoot, Path preset) throws IOException {
    Path dir = dataRoot.resolve(BenchRunner.string(spec, "data", preset));
    String fieldSpec = BenchRunner.string(spec, "fields", preset);
    FieldMap fields = FieldMap.parse(fieldSpec);
    Path trainFile = dir.resolve(BenchRunner.string(spec, "train", preset));
    Path testFile = dir.resolve(BenchRunner.string(spec, "test", preset));
    SampleBatch train = LibsvmReader.read(trainFile, fields, null);
    SampleBatch test = LibsvmReader.read(testFile, fields, null);
    System.out.printf("read %,d train / %,d test samples%n", train.size(), test.size());
    long seed = ((Number) spec.getOrDefault("seed", 42)).longValue();
    int[] threads = ints(spec.getOrDefault("threads", List.of(1, 2)));
    double scoreSeconds = ((Number) spec.getOrDefault("score_seconds", 2)).doubleValue();
    int candidates = ((Number) spec.getOrDefault("candidates", 500)).intValue();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> m : (List<Map<String, Object>>) spec.get("models")) {
      String name = BenchRunner.string(m, "model", preset);
      Map<String, String> params = new LinkedHashMap<>();
      ((Map<String, Object>) m.getOrDefault("params", Map.of())).forEach((k, v) -> params.put(k, String.valueOf(v)));
      rows.add(row(Registry.rank(name), params, train, test, threads, seed, scoreSeconds, candidates));
    }
    for (Map<String, Object> p : (List<Map<String, Object>>) spec.getOrDefault("peers", List.of())) {
      Map<String, Object> peerRow = peer(root, p, trainFile, testFile, fieldSpec, preset);
      rows.add(peerRow);
      String model = String.valueOf(peerRow.get("model"));
      for (Map<String, Object> r : rows) {
        if (r != peerRow && model.equals(r.get("model"))) {
          r.put("train_ratio_to_peer", ratio(r.get("train_samples_per_s"), peerRow.get("train_samples_per_s")));
          r.put("score_ratio_to_peer", ratio(r.get("score_per_s"), peerRow.get("score_per_s")));
          System.out.printf("%s vs %s: train %sx, score %sx%n", model, peerRow.get("peer"), r.get("train_ratio_to_peer"),
              r.get("score_ratio_to_peer"));
        }
      }
    }
    return rows;
  }

  private static <C extends Record> Map<String, Object> row(RankAlgorithm<C> algorithm, Map<String, String> params, SampleBatch train,
      SampleBatch test, int[] threads, long seed, double scoreSeconds, int candidates) {
    Map<String, String> speedParams = new LinkedHashMap<>(params);
    speedParams.putIfAbsent("epochs", "1");
    speedParams.put("patience", "0");
    C config = Params.bind(algorithm.defaultConfig(), speedParams);
    int epochs = Integer.parseInt(speedParams.get("epochs"));
    Map<String, Object> trainSpeeds = new LinkedHashMap<>();
    long trainPerSecond = 0;
    RankModel model = null;
    Map<String, Object> trainCpu = new LinkedHashMap<>();
    // warm-up on a slice, so the JIT's compile time is not charged to the first thread count
    algorithm.fit(config, head(train, Math.min(train.size(), 20_000)), null, new TrainContext(threads[0], seed, Progress.NONE));
    for (int t : threads) {
      long c0 = cpuNanos();
      long t0 = System.nanoTime();
      model = algorithm.fit(config, train, null, new TrainContext(t, seed, Progress.NONE));
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (cpuNanos() - c0) / 1e9;
      trainPerSecond = Math.round((double) train.size() * epochs / wall);
      trainSpeeds.put(String.valueOf(t), trainPerSecond);
      trainCpu.put(String.valueOf(t), Math.round((double) train.size() * epochs / cpu));
      System.out.printf("%s: %d thread(s): %,d train samples/s (%,.0f per CPU second; wall %.1f s, CPU %.1f s)%n", algorithm.name(), t,
          trainPerSecond, train.size() * epochs / cpu, wall, cpu);
    }
    float[] out = new float[test.size()];
    Map<String, Object> scoreSpeeds = new LinkedHashMap<>();
    long scorePerSecond;
    if (model instanceof DeepFmModel deep) {
      scorePerSecond = 0;
      for (int t : threads) {
        scorePerSecond = scoresPerSecond(test, scoreSeconds, () -> deep.score(test, out, t));
        scoreSpeeds.put(String.valueOf(t), scorePerSecond);
      }
    } else {
      RankModel m = model;
      scorePerSecond = scoresPerSecond(test, scoreSeconds, () -> m.score(test, out));
    }
    SampleBatch few = head(test, Math.min(candidates, test.size()));
    float[] fewOut = new float[few.size()];
    double[] ms = new double[200];
    for (int rep = -50; rep < ms.length; rep++) {
      long t0 = System.nanoTime();
      model.score(few, fewOut);
      if (rep >= 0) {
        ms[rep] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Arrays.sort(ms);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("model", algorithm.name());
    row.put("params", Params.describe(config));
    row.put("epochs", epochs);
    row.put("train_samples_per_s", trainPerSecond);
    row.put("train_threads", threads[threads.length - 1]);
    row.put("train_samples_per_s_by_threads", trainSpeeds);
    row.put("train_samples_per_cpu_s_by_threads", trainCpu);
    row.put("score_per_s", scorePerSecond);
    if (!scoreSpeeds.isEmpty()) {
      row.put("score_per_s_by_threads", scoreSpeeds);
    }
    row.put("candidates", few.size());
    row.put("candidates_ms", Math.round(ms[ms.length / 2] * 1000) / 1000.0);
    System.out.printf("%s: train samples/s by threads %s, %,d scores/s %s, %d candidates in %.3f ms (median)%n", algorithm.name(),
        trainSpeeds, scorePerSecond, scoreSpeeds.isEmpty() ? "" : scoreSpeeds, few.size(), ms[ms.length / 2]);
    return row;
  }

  /** Scores/s of {@code score} (one pass over {@code batch}) repeated for about {@code seconds}, after one warm-up second. */
  private static long scoresPerSecond(SampleBatch batch, double seconds, Runnable score) {
    long warm = System.nanoTime();
    while (System.nanoTime() - warm < 1_000_000_000L) {
      score.run();
    }
    long scored = 0;
    long c0 = cpuNanos();
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < seconds * 1e9) {
      score.run();
      scored += batch.size();
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    System.out.printf("  scored %,d rows: %,.0f per second, %,.0f per CPU second%n", scored, scored / wall,
        scored / ((cpuNanos() - c0) / 1e9));
    return Math.round(scored / wall);
  }

  /**
   * CPU time of this JVM (all threads, GC and JIT included): samples per CPU second is the figure that
   * other processes' load on the shared cores blurs least.
   */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The first {@code n} rows of {@code b}. */
  static SampleBatch head(SampleBatch b, int n) {
    int[] rowPtr = Arrays.copyOf(b.rowPtr(), n + 1);
    int nnz = rowPtr[n];
    return new SampleBatch(b.fields(), rowPtr, Arrays.copyOf(b.features(), nnz), b.values() == null ? null : Arrays.copyOf(b.values(), nnz),
        Arrays.copyOf(b.labels(), n), b.weights() == null ? null : Arrays.copyOf(b.weights(), n), null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> peer(Path root, Map<String, Object> p, Path train, Path test, String fields, Path preset)
      throws IOException {
    String name = BenchRunner.string(p, "peer", preset);
    if (!"torch-deepfm".equals(name)) {
      throw new IllegalArgumentException("unknown rank peer '" + name + "' in " + preset + "; valid: torch-deepfm");
    }
    return dev.funnel.bench.PythonPeer.run(name, root.resolve("bench/peers/deepfm_torch.py"),
        List.of("--train", train.toString(), "--test", test.toString(), "--fields", fields),
        (Map<String, Object>) p.getOrDefault("params", Map.of()), "python3-torch");
  }

  private static Double ratio(Object a, Object b) {
    if (!(a instanceof Number x) || !(b instanceof Number y) || y.doubleValue() <= 0) {
      return null;
    }
    return Math.round(x.doubleValue() / y.doubleValue() * 100) / 100.0;
  }

  @SuppressWarnings("unchecked")
  private static int[] ints(Object o) {
    return ((List<Number>) o).stream().mapToInt(Number::intValue).toArray();
  }
}
