package dev.funnel.cli;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.io.DatasetLoader;
import dev.funnel.data.io.LoadOptions;
import dev.funnel.data.io.LoadResult;
import dev.funnel.data.split.ColdPolicy;
import dev.funnel.data.split.SplitSpec;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The flags that say where data is and how to read and split it; shared by every data command. */
final class DatasetOptions {
  @Option(names = "--dataset", paramLabel = "SPEC",
      description = "lightgcn:DIR (train.txt/test.txt), movielens:PATH (u.data, ratings.dat, ratings.csv or their folder), "
          + "csv:PATH (.csv/.tsv/.jsonl) or sequence:PATH ('user item' lines in time order).")
  String spec;

  @Option(names = "--split", paramLabel = "SPEC",
      description = "random:0.8 | user-temporal:0.8 | leave-last-out | global-time:0.8 | global-time:@EPOCH_MS | given | none (all in train). "
          + "Default: the data's own split if it has one, else user-temporal:0.8 for timestamped data, random:0.8 otherwise.")
  String split;

  @Option(names = "--test", paramLabel = "PATH", description = "Test file for a given split of csv data.")
  String testPath;

  @Option(names = "--column", paramLabel = "FIELD=COLUMN",
      description = {"CSV column mapping, by header name or 0-based index: user=, item=, timestamp=, type=, value=. Repeatable.",
          "Without it, well-known header names are used (userId, movieId, rating, timestamp, ...); a file with no header is read",
          "by position as user, item, value, timestamp, type (the MovieLens order)."})
  List<String> columns = List.of();

  @Option(names = "--delimiter", paramLabel = "CHAR", description = "CSV delimiter (default: detected; 'tab' for a tab).")
  String delimiter;

  @Option(names = "--no-header", description = "The CSV file has no header line.")
  boolean noHeader;

  @Option(names = "--skip-bad-lines", description = "Skip malformed lines, reporting their count and the first examples.")
  boolean skipBadLines;

  @Option(names = "--duplicates", paramLabel = "POLICY", defaultValue = "keep-last",
      description = "Repeated (user, item) pairs: keep-last, sum or max. Default: ${DEFAULT-VALUE}.")
  String duplicates;

  @Option(names = "--item-features", paramLabel = "CSV", description = "Item features: header item,<field>,...; multi-values split by '|'.")
  String itemFeatures;

  @Option(names = "--cold-users", paramLabel = "POLICY", defaultValue = "drop",
      description = "Test users without training data: drop or keep. Default: ${DEFAULT-VALUE}.")
  String coldUsers;

  @Option(names = "--cold-items", paramLabel = "POLICY", defaultValue = "drop",
      description = "Test items never seen in training: drop or keep. Default: ${DEFAULT-VALUE}.")
  String coldItems;

  /** The command this mixin is part of, to report a missing --dataset as a usage error. */
  @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
  picocli.CommandLine.Model.CommandSpec mixee;

  @Option(names = "--seed", defaultValue = "42", description = "Seed for random splits and sampling. Default: ${DEFAULT-VALUE}.")
  long seed;

  LoadOptions toLoadOptions() {
    LoadOptions o = LoadOptions.defaults()
        .withSkipBadLines(skipBadLines)
        .withDuplicates(DuplicatePolicy.parse(duplicates))
        .withSeed(seed)
        .withColdUsers(ColdPolicy.parse(coldUsers))
        .withColdItems(ColdPolicy.parse(coldItems));
    if (split != null) {
      o = o.withSplit(SplitSpec.parse(split));
    }
    if (testPath != null) {
      o = o.withTestPath(testPath);
    }
    if (!columns.isEmpty()) {
      Map<String, String> map = new LinkedHashMap<>();
      for (String c : columns) {
        int eq = c.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--column expects FIELD=COLUMN; got '" + c + "'");
        }
        map.put(c.substring(0, eq).trim(), c.substring(eq + 1).trim());
      }
      o = o.withColumns(map);
    }
    if (delimiter != null) {
      o = o.withDelimiter(delimiter.equals("tab") ? "\t" : delimiter);
    }
    if (noHeader) {
      o = o.withHeader(false);
    }
    if (itemFeatures != null) {
      o = o.withItemFeaturesPath(itemFeatures);
    }
    return o;
  }

  /** Loads the dataset and prints a summary of it. */
  LoadResult load(PrintStream out) {
    if (spec == null) { // not required by annotation: eval and train read --samples instead in their ranking mode
      throw new picocli.CommandLine.ParameterException(mixee.commandLine(), "Missing required option: '--dataset=SPEC'");
    }
    LoadResult r = DatasetLoader.load(spec, toLoadOptions());
    printSummary(out, r);
    return r;
  }

  /** Shape, split, item features and bad lines of a loaded dataset, a line each. */
  static void printSummary(PrintStream out, LoadResult r) {
    var d = r.dataset();
    out.printf("dataset    %s: %,d users, %,d items, %,d train / %,d test interactions (%.2f s)%n", d.name(), d.users().size(),
        d.items().size(), d.train().nnz(), d.test().nnz(), r.seconds());
    if (d.split() != null) {
      out.println("split      " + d.split().summary());
    }
    if (d.itemFeatures() != null) {
      StringBuilder sb = new StringBuilder();
      for (var f : d.itemFeatures().fields()) {
        sb.append(sb.length() == 0 ? "" : ", ").append(f.name()).append(" (").append(f.values().size()).append(" values)");
      }
      out.println("features   " + sb);
    }
    if (r.badLines() != null && r.badLines().count() > 0) {
      out.println("bad lines  skipped " + r.badLines().count() + "; first: " + String.join(" | ", r.badLines().examples()));
    }
  }
}
