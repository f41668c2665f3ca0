package dev.funnel.cli;

import dev.funnel.data.Dataset;
import dev.funnel.pipeline.featrank.FeatureColumns;
import dev.funnel.pipeline.featrank.FeatureSamples;
import dev.funnel.pipeline.offline.OfflineResources;
import dev.funnel.rank.schema.FeatureSchema;
import dev.funnel.store.catalog.ItemRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code funnel dataset samples}: ranking samples of a dataset's train split for a scene's {@code
 * feature-ranker}, written by the rows the rank stage builds at serving ({@link FeatureSamples}), as
 * {@code schema.txt}, {@code train.csv} and {@code validation.csv} for {@code funnel train --samples
 * --schema}.
 */
@Command(name = "samples", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Ranking samples (CSV + schema) of the train split for a scene's feature-ranker:",
        "each training interaction a positive with --negatives random unseen items, user/item/catalogue features and the",
        "user's earlier items as the behaviour sequence, built as the rank stage builds them when serving."},
    footer = {"", "Example:",
        "  funnel dataset samples --dataset movielens:../shared/data/ml-100k --split user-temporal:0.8 --out ml100k-samples",
        "  funnel train --model din --samples ml100k-samples/train.csv --validation ml100k-samples/validation.csv \\",
        "      --schema ml100k-samples/schema.txt --set din.itemSideFields=genre --out ml100k-din.fnlp"})
final class SampleExport implements Callable<Integer> {
  @Mixin
  DatasetOptions data;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for schema.txt, train.csv, validation.csv.")
  Path out;

  @Option(names = "--schema", paramLabel = "FILE",
      description = "Feature schema to write rows for (default: user, item, genre from the catalogue categories, history of 50).")
  Path schema;

  @Option(names = "--negatives", defaultValue = "4", description = "Random unseen items per positive. Default: ${DEFAULT-VALUE}.")
  int negatives;

  @Option(names = "--popular-negatives", description = "Draw negatives in proportion to training degree instead of uniformly.")
  boolean popularNegatives;

  @Option(names = "--validation-fraction", defaultValue = "0.1",
      description = "Newest share of the training events kept for validation (early stopping). Default: ${DEFAULT-VALUE}.")
  double validationFraction;

  /** The default schema: ids, the catalogue categories as a multi-valued field when there are any, the 50 newest items. */
  static String defaultSchema(boolean categories) {
    return "label label\ngroup user\nfield user categorical\nfield item categorical\n"
        + (categories ? "field genre multi column=categories\n" : "") + "field history sequence vocabulary=item max_length=50\n";
  }

  @Override
  public Integer call() throws IOException {
    Dataset d = data.load(System.out).dataset();
    Map<String, ItemRecord> catalogue = OfflineResources.catalogue(d.itemFeatures(), d.items());
    FeatureSchema s = schema != null ? FeatureSchema.read(schema)
        : FeatureSchema.parse("default", defaultSchema(catalogue.values().stream().anyMatch(r -> !r.categories().isEmpty())));
    FeatureColumns columns = new FeatureColumns(s);
    Files.createDirectories(out);
    Files.writeString(out.resolve("schema.txt"), s.toText(), StandardCharsets.UTF_8);
    long[] counts = new long[2];
    try (Writer train = new BufferedWriter(Files.newBufferedWriter(out.resolve("train.csv")), 1 << 16);
        Writer valid = new BufferedWriter(Files.newBufferedWriter(out.resolve("validation.csv")), 1 << 16)) {
      String header = String.join(String.valueOf(s.delimiter()), columns.header()) + "\n";
      train.write(header);
      valid.write(header);
      FeatureSamples.build(d.train(), d.users(), d.items(), catalogue, null, columns, negatives, popularNegatives, validationFraction, data.seed, (v, cells) -> {
        FeatureSamples.writeCsv(v ? valid : train, cells, s.delimiter());
        counts[v ? 1 : 0]++;
      });
    }
    System.out.printf("samples    %,d train, %,d validation rows (%d %snegatives per positive) in %s%n", counts[0], counts[1], negatives,
        popularNegatives ? "degree-drawn " : "", out);
    return 0;
  }
}
