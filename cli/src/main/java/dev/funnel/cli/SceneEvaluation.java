package dev.funnel.cli;

import dev.funnel.data.Dataset;
import dev.funnel.eval.EvalTable;
import dev.funnel.experiment.ResultRow;
import dev.funnel.pipeline.offline.FunnelEvaluation;
import dev.funnel.recall.TrainContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code funnel eval --scene FILE}: a scene replayed on the test split, with a row per model it names and its own row. */
final class SceneEvaluation {
  private SceneEvaluation() {}

  static int run(Path sceneFile, Map<String, Object> scene, Dataset dataset, Map<String, Map<String, String>> params, int[] ks, int threads,
      long seed, TrainContext context, Path json, PrintStream out) throws IOException {
    return run(sceneFile, scene, dataset, params, ks, threads, seed, context, json, null, out);
  }

  /** @param saveRanker where to write the trained stacking ranker (null: not saved) */
  static int run(Path sceneFile, Map<String, Object> scene, Dataset dataset, Map<String, Map<String, String>> params, int[] ks, int threads,
      long seed, TrainContext context, Path json, Path saveRanker, PrintStream out) throws IOException {
    List<ResultRow> rows = FunnelEvaluation.run(sceneFile.toString(), scene, dataset,
        new FunnelEvaluation.Settings(ks, threads, seed, params, true, saveRanker), context, out);
    out.println();
    out.print(EvalTable.format(rows.get(0).protocol(), rows.stream().map(ResultRow::model).toList(),
        rows.stream().map(ResultRow::evalResult).toList()));
    if (json != null) {
      Json.write(json, EvalCommand.report(dataset.name(), rows));
      out.println("wrote " + json);
    }
    return 0;
  }
}
