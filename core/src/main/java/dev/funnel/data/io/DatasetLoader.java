package dev.funnel.data.io;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.Dataset;
import dev.funnel.data.EventTable;
import dev.funnel.data.IdMap;
import dev.funnel.data.ItemFeatures;
import dev.funnel.data.split.Split;
import dev.funnel.data.split.SplitSpec;
import dev.funnel.data.split.Splitter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads a dataset from a spec {@code format:path}:
 * <ul>
 *   <li>{@code lightgcn:DIR}: {@code DIR/train.txt} and, if present, {@code DIR/test.txt} (a given split)
 *   <li>{@code movielens:PATH}: a MovieLens directory or ratings file (u.data, ratings.dat, ratings.csv);
 *       a directory's {@code u.item} adds the {@code genre} item feature
 *   <li>{@code csv:PATH}: delimited events; {@code .tsv} means tab, {@code .jsonl}/{@code .ndjson} JSON lines
 *       ({@code tsv:} and {@code jsonl:} prefixes force the format)
 *   <li>{@code sequence:PATH}: {@code user item} per line in time order
 * </ul>
 * Then it splits (see {@link LoadOptions}), builds both matrices after all reading so they share
 * dimensions, and reads item features if asked.
 */
public final class DatasetLoader {
  private DatasetLoader() {}

  public static LoadResult load(String spec, LoadOptions options) {
    long t0 = System.nanoTime();
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("dataset spec must be format:path (lightgcn, movielens, csv, tsv, jsonl, sequence); spec=" + spec);
    }
    String format = spec.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    Path path = Path.of(spec.substring(colon + 1));
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("dataset path does not exist: " + path);
    }
    BadLines.Recorder bad = new BadLines.Recorder(options.skipBadLines());
    EventTable events = new EventTable(new IdMap(1 << 14), new IdMap(1 << 14), new IdMap(), 1 << 16);
    EventTable test = null;
    Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
    ItemFeatures features = null;
    switch (format) {
      case "lightgcn" -> {
        Path trainFile = Files.isDirectory(path) ? path.resolve("train.txt") : path;
        LightGcnReader.read(trainFile, events, bad);
        Path testFile = Files.isDirectory(path) ? path.resolve("test.txt") : null;
        if (testFile != null && Files.isRegularFile(testFile)) {
          test = events.emptyLike(1 << 16);
          LightGcnReader.read(testFile, test, bad);
        }
      }
      case "movielens", "ml" -> MovieLensReader.read(path, events, bad);
      case "csv", "tsv", "jsonl" -> readEvents(format, path, events, options, bad);
      case "sequence", "seq" -> SequenceReader.read(path, events, bad);
      default -> throw new IllegalArgumentException("unknown dataset format '" + format + "'; valid: lightgcn, movielens, csv, tsv, jsonl, sequence");
    }
    if (options.testPath() != null) {
      if (test != null) {
        throw new IllegalArgumentException("the " + format + " source already has a test set; do not also give testPath=" + options.testPath());
      }
      test = events.emptyLike(1 << 16);
      Path tp = Path.of(options.testPath());
      switch (format) {
        case "movielens", "ml" -> MovieLensReader.read(tp, test, bad);
        case "sequence", "seq" -> SequenceReader.read(tp, test, bad);
        case "lightgcn" -> LightGcnReader.read(tp, test, bad);
        default -> readEvents(format, tp, test, options, bad);
      }
    }
    if (events.size() == 0) {
      throw new DataFormatException(path.toString(), 0, null, null, "no events read" + (bad.skipping() ? " (" + bad.result().count() + " bad lines skipped)" : ""));
    }
    SplitSpec splitSpec = options.split();
    Split split;
    if (test != null && (splitSpec == null || splitSpec.kind() == SplitSpec.Kind.GIVEN)) {
      split = Splitter.given(events, test, options.coldUsers(), options.coldItems());
    } else {
      if (test != null) {
        if (options.testPath() != null && splitSpec.kind() != SplitSpec.Kind.NONE) {
          throw new IllegalArgumentException("a test file is given (testPath=" + options.testPath() + "); split must be 'given', 'none' or unset, not " + splitSpec);
        }
        events.addAll(test); // re-split the source's own train+test with the requested spec
      }
      if (splitSpec == null) {
        splitSpec = hasTimestamps(events) ? SplitSpec.userTemporal(0.8) : SplitSpec.random(0.8);
      }
      if (splitSpec.kind() == SplitSpec.Kind.GIVEN) {
        throw new IllegalArgumentException("split 'given' needs a test set: testPath, or a lightgcn directory with test.txt");
      }
      split = Splitter.apply(events, splitSpec, options.seed(), options.coldUsers(), options.coldItems());
    }
    if (options.itemFeaturesPath() != null) {
      features = ItemFeaturesReader.readCsv(Path.of(options.itemFeaturesPath()), events.items(), bad);
    } else if ((format.equals("movielens") || format.equals("ml")) && Files.isRegularFile(dir.resolve("u.item"))) {
      features = ItemFeaturesReader.readMovieLensGenres(dir.resolve("u.item"), events.items(), bad);
    }
    String name = (Files.isDirectory(path) ? path : path.getFileName()).toAbsolutePath().normalize().getFileName().toString();
    Dataset d = Dataset.of(name, split.train(), split.test(), options.duplicates(), features, split.report());
    return new LoadResult(d, bad.result(), (System.nanoTime() - t0) / 1e9);
  }

  private static void readEvents(String format, Path path, EventTable into, LoadOptions o, BadLines.Recorder bad) {
    String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
    String delimiter = LoadOptions.delimiterText(o.delimiter());
    boolean json = format.equals("jsonl") || "jsonl".equalsIgnoreCase(delimiter)
        || (delimiter == null && (file.endsWith(".jsonl") || file.endsWith(".ndjson") || file.endsWith(".json")));
    if (json) {
      JsonLinesReader.read(path, into, o.columns(), EventTable.DEFAULT_TYPE, bad);
      return;
    }
    if (delimiter == null && (format.equals("tsv") || file.endsWith(".tsv"))) {
      delimiter = "\t";
    }
    DelimitedReader.Format f = new DelimitedReader.Format(delimiter, o.header(), o.columns(), EventTable.DEFAULT_TYPE,
        StandardCharsets.UTF_8);
    DelimitedReader.read(path, into, f, bad);
  }

  private static boolean hasTimestamps(EventTable t) {
    for (int r = 0; r < t.size(); r++) {
      if (t.timestamp(r) != 0) {
        return true;
      }
    }
    return false;
  }
}
