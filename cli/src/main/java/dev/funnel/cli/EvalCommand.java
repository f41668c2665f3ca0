package dev.funnel.cli;

import dev.funnel.data.Dataset;
import dev.funnel.eval.EvalTable;
import dev.funnel.experiment.Experiment;
import dev.funnel.experiment.FittedModel;
import dev.funnel.experiment.ResultRow;
import dev.funnel.recall.TrainContext;
import dev.funnel.util.Parallel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train models on a dataset's train part and evaluate them on its test part.",
        "Ranking mode (--rank-model FILE --samples FILE): evaluate a saved ranker on labelled samples (auc, gauc, logloss, calibration).",
        "Funnel mode (--scene FILE): replay the test split through a scene (its models trained on train): per-channel and union recall "
            + "at the budget, the page's top-K metrics, diversity, coverage, novelty; one row per model of the scene and one 'funnel:SCENE'."},
    footer = {"", "Examples:",
        "  funnel eval --dataset lightgcn:../shared/data/gowalla --model itemcf --model swing --set itemcf.neighbors=200 --k 20,50 --json out.json",
        "  funnel eval --dataset movielens:../shared/data/ml-100k/u.data --split leave-last-out --model itemcf --negatives 100",
        "  funnel eval --dataset movielens:../shared/data/ml-100k --split user-temporal:0.8 --scene docs/scenes/funnel-ml100k.yaml --json funnel.json",
        "  funnel eval --rank-model models/fm.fnlr --samples ../shared/data/frappe/frappe.test.libfm --group-field user --json rank.json"})
final class EvalCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DatasetOptions data;

  @Option(names = "--model", paramLabel = "NAME", description = "A registered model (see 'funnel models'). Repeatable. Required unless --rank-model.")
  List<String> models;

  @Option(names = "--rank-model", paramLabel = "FILE",
      description = "Ranking mode: evaluate this saved ranking model or pipeline (from 'funnel train --samples') on --samples; reports auc, gauc, logloss, calibration.")
  Path rankModel;

  @Option(names = "--scene", paramLabel = "FILE",
      description = "Funnel mode: a scene YAML (docs/pipeline.md) replayed on the test split; its 'model' keys name registered models, trained on train.")
  Path scene;

  @Option(names = "--save-ranker", paramLabel = "FILE",
      description = "With --scene and rank: {type: model-ranker}: write the trained stacking ranker here, for a live scene's 'file: FILE'.")
  Path saveRanker;

  @Option(names = "--samples", paramLabel = "FILE",
      description = "Labelled samples for --rank-model: libsvm/libFM text, or CSV when the model was trained on CSV with a schema.")
  Path samples;

  @Option(names = "--group-field", paramLabel = "FIELD", description = "With libsvm samples: the field whose feature groups rows for GAUC (e.g. user).")
  String groupField;

  @Option(names = "--set", paramLabel = "MODEL.KEY=VALUE", description = "A model parameter, e.g. itemcf.neighbors=200. Repeatable.")
  List<String> settings = List.of();

  @Option(names = "--k", split = ",", defaultValue = "20", paramLabel = "K[,K...]", description = "Cut-offs. Default: ${DEFAULT-VALUE}.")
  int[] ks;

  @Option(names = "--negatives", defaultValue = "0", paramLabel = "N",
      description = "0: full ranking over all items (default). N > 0: the SAMPLED protocol, the test item ranked among N sampled negatives.")
  int negatives;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads. Default: all cores.")
  Integer threads;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path json;

  @Option(names = "--quiet", description = "No progress bars.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (rankModel != null || samples != null) {
      if (rankModel == null || samples == null || models != null || data.spec != null) {
        throw new ParameterException(spec.commandLine(), "ranking evaluation takes --rank-model FILE and --samples FILE (and no --model or --dataset)");
      }
      return RankerEvaluation.run(rankModel, samples, groupField, data.skipBadLines, json, System.out);
    }
    if (saveRanker != null && scene == null) {
      throw new ParameterException(spec.commandLine(), "--save-ranker needs --scene FILE with rank: {type: model-ranker}");
    }
    if (scene != null) {
      if (data.spec == null || models != null || negatives != 0) {
        throw new ParameterException(spec.commandLine(), "funnel evaluation takes --scene FILE and --dataset SPEC (the models come from the scene; "
            + "full-sort protocol, no --model or --negatives)");
      }
      Map<String, Object> sceneMap = dev.funnel.server.SceneYaml.read(scene);
      java.util.List<String> sceneModels = dev.funnel.pipeline.offline.FunnelEvaluation.models(sceneMap);
      Map<String, Map<String, String>> params = ModelSettings.parse(settings, sceneModels);
      for (String m : sceneModels) {
        Experiment.configure(m, params.getOrDefault(m, Map.of())); // unknown models and keys fail before any work
      }
      int t = threads == null ? Parallel.defaultThreads() : threads;
      TrainContext context = new TrainContext(t, data.seed, new ConsoleProgress(System.out, quiet));
      Dataset dataset = data.load(System.out).dataset();
      return SceneEvaluation.run(scene, sceneMap, dataset, params, ks, t, data.seed, context, json, saveRanker, System.out);
    }
    if (data.spec == null || models == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option" + (data.spec == null && models == null ? "s" : "") + ": "
          + (data.spec == null ? "'--dataset=SPEC'" : "") + (data.spec == null && models == null ? ", " : "") + (models == null ? "'--model=NAME'" : "")
          + " (or --rank-model FILE --samples FILE for a ranking model)");
    }
    Map<String, Map<String, String>> params = ModelSettings.parse(settings, models);
    params.forEach(Experiment::configure); // unknown models and keys fail before any work
    int t = threads == null ? Parallel.defaultThreads() : threads;
    TrainContext context = new TrainContext(t, data.seed, new ConsoleProgress(System.out, quiet));
    Experiment.Protocol protocol = new Experiment.Protocol(ks, negatives, t, data.seed);
    Dataset dataset = data.load(System.out).dataset();
    List<ResultRow> rows = new ArrayList<>();
    for (String model : models) {
      FittedModel fitted = Experiment.fit(model, params.get(model), dataset.train(), context.withItemFeatures(dataset.itemFeatures()));
      System.out.printf("train      %s in %.2f s%n", model, fitted.fitSeconds());
      rows.add(Experiment.evaluate(fitted, dataset, protocol, context));
    }
    System.out.println();
    System.out.print(EvalTable.format(rows.get(0).protocol(), models, rows.stream().map(ResultRow::evalResult).toList()));
    if (json != null) {
      Json.write(json, report(dataset.name(), rows));
      System.out.println("wrote " + json);
    }
    return 0;
  }

  static Map<String, Object> report(String dataset, List<ResultRow> rows) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dataset", dataset);
    out.put("protocol", rows.isEmpty() ? null : rows.get(0).protocol());
    out.put("results", rows.stream().map(ResultRow::toJson).toList());
    return out;
  }
}
