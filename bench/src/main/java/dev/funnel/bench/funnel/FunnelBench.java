package dev.funnel.bench.funnel;

import dev.funnel.data.Dataset;
import dev.funnel.eval.EvalTable;
import dev.funnel.experiment.ResultRow;
import dev.funnel.pipeline.offline.FunnelEvaluation;
import dev.funnel.recall.TrainContext;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code kind: funnel-eval}: a scene (inline under {@code scene:}) replayed on a dataset's test split
 * ({@link FunnelEvaluation}), with a row per model the scene names and the funnel's row
 * ({@code model} = {@code funnel:SCENE}), all on the same full-sort protocol; {@code params:} gives
 * model parameters by model name, {@code k:} the cut-offs. Each row also says whether the funnel's
 * recall@K beat it ({@code funnel_beats}).
 */
public final class FunnelBench {
  private FunnelBench() {}

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> run(Map<String, Object> spec, Dataset d, Path preset) {
    Map<String, Object> scene = (Map<String, Object>) spec.get("scene");
    if (scene == null) {
      throw new IllegalArgumentException(preset + ": field 'scene': required (the scene, inline)");
    }
    int threads = spec.get("threads") == null ? Parallel.defaultThreads() : ((Number) spec.get("threads")).intValue();
    List<Integer> kList = (List<Integer>) spec.getOrDefault("k", List.of(20));
    int[] ks = kList.stream().mapToInt(Integer::intValue).toArray();
    Map<String, Map<String, String>> params = new TreeMap<>();
    ((Map<String, Object>) spec.getOrDefault("params", Map.of())).forEach((model, p) -> {
      Map<String, String> m = new TreeMap<>();
      ((Map<String, Object>) p).forEach((k, v) -> m.put(k, String.valueOf(v)));
      params.put(model, m);
    });
    TrainContext context = new TrainContext(threads, 42L, Progress.NONE);
    List<ResultRow> rows = FunnelEvaluation.run(preset.toString(), scene, d, new FunnelEvaluation.Settings(ks, threads, 42L, params, true),
        context, System.out);
    String key = "recall@" + ks[0];
    double funnel = rows.get(rows.size() - 1).metrics().get(key);
    List<Map<String, Object>> out = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (ResultRow r : rows) {
      Map<String, Object> json = new LinkedHashMap<>(r.toJson());
      json.put("dataset", d.name());
      if (!r.model().startsWith("funnel:")) {
        json.put("funnel_beats", funnel > r.metrics().get(key));
      }
      out.add(json);
      names.add(r.model());
      System.out.printf("%s: %s%n", r.model(), r.metrics());
    }
    System.out.print(EvalTable.format(rows.get(0).protocol(), names, rows.stream().map(ResultRow::evalResult).toList()));
    return out;
  }
}
