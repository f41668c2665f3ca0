package dev.funnel.cli;

import dev.funnel.data.Dataset;
import dev.funnel.data.Interactions;
import dev.funnel.experiment.Experiment;
import dev.funnel.experiment.FittedModel;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.runtime.Checkpointing;
import dev.funnel.util.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train one model and save it to a model file for 'recommend', 'similar' and 'serve'.",
        "Ranking mode (--samples FILE): train a ranker (see 'funnel models') on libsvm or CSV+schema samples for 'eval --rank-model'."},
    footer = {"", "Examples:",
        "  funnel train --dataset movielens:../shared/data/ml-100k/u.data --model itemcf --out models/itemcf.fnl",
        "  funnel train --dataset lightgcn:../shared/data/gowalla --model swing --set swing.alpha=1 --all --out models/swing.fnl",
        "  funnel train --dataset lightgcn:../shared/data/gowalla --model mfbpr --threads 1 --checkpoint-dir ckpt --resume --out models/mf.fnl",
        "  funnel train --model fm --samples train.libfm --validation valid.libfm --fields user:0-956,item:957-5038 --out models/fm.fnlr",
        "  funnel train --model lr --samples clicks.csv --schema clicks.schema --negative-rate 0.1 --out models/lr.fnlp"})
final class TrainCommand implements Callable<Integer> {
  @Mixin
  DatasetOptions data;

  @Option(names = "--model", required = true, paramLabel = "NAME", description = "A registered model (see 'funnel models').")
  String model;

  @Option(names = "--set", paramLabel = "MODEL.KEY=VALUE", description = "A model parameter. Repeatable.")
  List<String> settings = List.of();

  @Option(names = "--all", description = "Train on every event, unsplit (the model you deploy; same as --split none). Default: the train part of the split.")
  boolean all;

  @Option(names = "--samples", paramLabel = "FILE",
      description = "Ranking mode: train the ranker --model (see 'funnel models') on these labelled samples: libsvm/libFM text, or CSV with --schema.")
  Path samples;

  @Option(names = "--validation", paramLabel = "FILE", description = "Ranking mode: validation samples (early stopping on validation AUC).")
  Path validation;

  @Option(names = "--schema", paramLabel = "FILE", description = "Ranking mode: the feature schema of CSV samples (fitted on --samples and saved with the model).")
  Path schema;

  @Option(names = "--fields", paramLabel = "SPEC|FILE", description = "Ranking mode, libsvm: the field map, e.g. user:0-956,item:957-5038 (default: one field).")
  String fields;

  @Option(names = "--group-field", paramLabel = "FIELD", description = "Ranking mode, libsvm: the field that groups rows for GAUC.")
  String groupField;

  @Option(names = "--negative-rate", paramLabel = "W", defaultValue = "1",
      description = "Ranking mode: keep each negative with probability W (seeded by --seed); scores are re-calibrated q = p/(p+(1-p)/W). Default: ${DEFAULT-VALUE}.")
  double negativeRate;

  @Option(names = "--reweight-negatives", description = "Ranking mode: weight kept negatives by 1/W instead of re-calibrating scores.")
  boolean reweightNegatives;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Model file to write (.fnl).")
  Path out;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads. Default: all cores.")
  Integer threads;

  @Option(names = "--quiet", description = "No progress bars.")
  boolean quiet;

  @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Save the training state here after every --checkpoint-every epochs (epoch-trained models such as mfbpr; atomic: temp file, fsync, rename).")
  Path checkpointDir;

  @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "1", description = "Epochs between checkpoints. Default: ${DEFAULT-VALUE}.")
  int checkpointEvery;

  @Option(names = "--resume", description = "Continue from the checkpoint in --checkpoint-dir if there is one (same data, seed and threads; with --threads 1 the result equals an uninterrupted run bit for bit).")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    if (samples != null) {
      if (data.spec != null || all || checkpointDir != null) {
        throw new IllegalArgumentException("ranking mode (--samples) takes no --dataset, --all or --checkpoint-dir");
      }
      Map<String, String> rankParams = ModelSettings.parse(settings, List.of(model)).get(model);
      return RankerTraining.run(new RankerTraining.Request(model, rankParams, samples, validation, schema, fields, groupField, negativeRate,
          reweightNegatives, data.skipBadLines, threads == null ? Parallel.defaultThreads() : threads, data.seed, quiet, out), System.out);
    }
    if (checkpointDir == null && (resume || checkpointEvery != 1)) {
      throw new IllegalArgumentException((resume ? "--resume" : "--checkpoint-every") + " needs --checkpoint-dir");
    }
    Checkpointing checkpointing = checkpointDir == null ? null : new Checkpointing(checkpointDir, checkpointEvery, resume);
    Map<String, String> params = ModelSettings.parse(settings, List.of(model)).get(model);
    Experiment.configure(model, params); // an unknown model or key fails before loading data
    if (all) {
      if (data.split != null && !data.split.equals("none")) {
        throw new IllegalArgumentException("--all trains on every event; it cannot go with --split " + data.split);
      }
      data.split = "none";
    }
    Dataset d = data.load(System.out).dataset();
    Interactions train = d.train();
    TrainContext context = new TrainContext(threads == null ? Parallel.defaultThreads() : threads, data.seed,
        new ConsoleProgress(System.out, quiet), checkpointing).withItemFeatures(d.itemFeatures());
    FittedModel fitted = Experiment.fit(model, params, train, context);
    ModelFile.write(out, SavedModel.of(fitted.model(), d.users(), d.items(), train));
    System.out.printf("trained    %s on %,d interactions in %.2f s; wrote %s (%,d bytes)%n", model, train.nnz(), fitted.fitSeconds(),
        out, Files.size(out));
    return 0;
  }
}
