package dev.funnel.cli;

import dev.funnel.config.Params;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.RankModelFile;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.downsample.NegativeDownsampling;
import dev.funnel.rank.eval.RankEvaluation;
import dev.funnel.rank.pipeline.RankPipeline;
import dev.funnel.rank.pipeline.RankPipelineFile;
import dev.funnel.rank.schema.FeatureEncoder;
import dev.funnel.rank.schema.FeatureSchema;
import dev.funnel.rank.schema.SampleTable;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code funnel train --samples FILE --model NAME --out FILE}: trains a registered ranker on libsvm
 * samples (over {@code --fields}) or on CSV samples with a {@code --schema} (the encoder is fitted on
 * the training file and saved with the model), optionally on negatives down-sampled at {@code
 * --negative-rate} (scores re-calibrated, or negatives re-weighted with {@code --reweight-negatives}).
 * A model with neither encoder nor correction is written as a plain ranking model file, else as a
 * pipeline file; {@code funnel eval --rank-model} reads both.
 */
final class RankerTraining {
  private RankerTraining() {}

  record Request(String model, Map<String, String> params, Path samples, Path validation, Path schema, String fields, String groupField,
      double negativeRate, boolean reweightNegatives, boolean skipBadLines, int threads, long seed, boolean quiet, Path out) {}

  static int run(Request q, PrintStream out) throws IOException {
    RankAlgorithm<?> algorithm = Registry.rank(q.model()); // an unknown model or key fails before reading data
    Params.bind(algorithm.defaultConfig(), q.params());
    NegativeDownsampling downsampling = q.negativeRate() < 1 || q.reweightNegatives()
        ? new NegativeDownsampling(q.negativeRate(), q.reweightNegatives(), q.seed()) : null;
    FeatureEncoder encoder = null;
    SampleBatch train;
    SampleBatch validation = null;
    long t0 = System.nanoTime();
    if (q.schema() != null) {
      if (q.fields() != null || q.groupField() != null) {
        throw new IllegalArgumentException("--fields and --group-field are for libsvm samples; with --schema the schema says both");
      }
      FeatureSchema schema = FeatureSchema.read(q.schema());
      SampleTable table = RankSamples.table(q.samples(), schema, q.skipBadLines(), out);
      encoder = FeatureEncoder.fit(table);
      train = encoder.encode(table);
      if (q.validation() != null) {
        validation = RankSamples.csv(q.validation(), encoder, q.skipBadLines(), out);
      }
    } else {
      FieldMap fields = RankSamples.fields(q.fields());
      train = RankSamples.libsvm(q.samples(), fields, q.groupField());
      if (q.validation() != null) {
        validation = RankSamples.libsvm(q.validation(), train.fields(), q.groupField());
      }
    }
    out.printf("samples    %,d train%s over %,d features in %d fields (%.2f s)%n", train.size(),
        validation == null ? "" : String.format(" / %,d validation", validation.size()), train.numFeatures(), train.fields().numFields(),
        (System.nanoTime() - t0) / 1e9);
    if (downsampling != null) {
      int before = train.size();
      train = downsampling.apply(train);
      out.printf("sampled    negatives kept at rate %s%s: %,d of %,d samples%n", q.negativeRate(),
          q.reweightNegatives() ? " (weighted 1/rate)" : " (scores re-calibrated)", train.size(), before);
    }
    long t1 = System.nanoTime();
    RankModel model = fit(algorithm, q, train, validation, out);
    double fitSeconds = (System.nanoTime() - t1) / 1e9;
    double rate = downsampling == null ? 1 : downsampling.scoringRate();
    RankPipeline pipeline = new RankPipeline(encoder, rate, model);
    if (encoder == null && rate == 1) {
      RankModelFile.write(q.out(), model);
    } else {
      RankPipelineFile.write(q.out(), pipeline);
    }
    String onValidation = "";
    if (validation != null) {
      RankEvaluation e = RankEvaluation.of(pipeline.score(validation), validation);
      onValidation = String.format("; validation auc %.4f, logloss %.4f", e.auc(), e.logloss());
    }
    out.printf("trained    %s on %,d samples in %.2f s%s; wrote %s (%,d bytes)%n", algorithm.name(), train.size(), fitSeconds, onValidation,
        q.out(), Files.size(q.out()));
    return 0;
  }

  private static <C extends Record> RankModel fit(RankAlgorithm<C> algorithm, Request q, SampleBatch train, SampleBatch validation,
      PrintStream out) {
    C config = Params.bind(algorithm.defaultConfig(), q.params());
    TrainContext context = new TrainContext(q.threads(), q.seed(), new ConsoleProgress(out, q.quiet()));
    return algorithm.fit(config, train, validation, context);
  }
}
