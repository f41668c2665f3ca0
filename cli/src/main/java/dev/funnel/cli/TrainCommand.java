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
    description = "Train one model and save it to a model file for 'recommend', 'similar' and 'serve'.",
    footer = {"", "Examples:",
        "  funnel train --dataset movielens:../shared/data/ml-100k/u.data --model itemcf --out models/itemcf.fnl",
        "  funnel train --dataset lightgcn:../shared/data/gowalla --model swing --set swing.alpha=1 --all --out models/swing.fnl",
        "  funnel train --dataset lightgcn:../shared/data/gowalla --model mfbpr --threads 1 --checkpoint-dir ckpt --resume --out models/mf.fnl"})
final class TrainCommand implements Callable<Integer> {
  @Mixin
  DatasetOptions data;

  @Option(names = "--model", required = true, paramLabel = "NAME", description = "A registered model (see 'funnel models').")
  String model;

  @Option(names = "--set", paramLabel = "MODEL.KEY=VALUE", description = "A model parameter. Repeatable.")
  List<String> settings = List.of();

  @Option(names = "--all", description = "Train on every event, unsplit (the model you deploy; same as --split none). Default: the train part of the split.")
  boolean all;

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
