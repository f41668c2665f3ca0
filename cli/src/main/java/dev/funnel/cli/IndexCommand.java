package dev.funnel.cli;

import dev.funnel.ann.ClusteredVectors;
import dev.funnel.ann.MatrixFile;
import dev.funnel.ann.Similarity;
import dev.funnel.ann.VectorIndex;
import dev.funnel.ann.VectorIndexes;
import dev.funnel.ann.flat.FlatIndex;
import dev.funnel.recall.EmbeddingModel;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code funnel index build|search|bench}: vector indexes over a matrix file or an embedding model's item vectors. */
@Command(name = "index", mixinStandardHelpOptions = true,
    description = "Build, query and measure ANN vector indexes (flat, hnsw, ivfpq, lsh).",
    subcommands = {IndexCommand.Build.class, IndexCommand.Search.class, IndexCommand.Bench.class},
    footer = {"", "Examples:", "  funnel index build --vectors items.f32 --kind hnsw --param m=16 --param efConstruction=100 --out items.fvi",
        "  funnel index build --model models/mfbpr.fnl --kind hnsw --out items.fvi",
        "  funnel index search --index items.fvi --query 0.1,0.3,... --k 10 --param ef=64",
        "  funnel index bench --index items.fvi --vectors items.f32 --queries queries.f32 --param ef=64"})
final class IndexCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "a subcommand is required: build, search or bench");
  }

  static float[] vectors(Path vectorsFile, Path model, int[] dimOut) {
    if ((vectorsFile == null) == (model == null)) {
      throw new IllegalArgumentException("give exactly one of --vectors FILE or --model FILE");
    }
    if (vectorsFile != null) {
      MatrixFile.Matrix m = MatrixFile.read(vectorsFile);
      dimOut[0] = m.cols();
      return m.data();
    }
    SavedModel saved;
    try {
      saved = ModelFile.read(model);
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException("cannot read " + model + ": " + ex.getMessage(), ex);
    }
    if (!(saved.model() instanceof EmbeddingModel e)) {
      throw new IllegalArgumentException(model + ": model " + saved.model().getClass().getSimpleName()
          + " has no item vectors (not an embedding model)");
    }
    dimOut[0] = e.dim();
    return e.itemVectors();
  }

  @Command(name = "build", mixinStandardHelpOptions = true, description = "Build an index and save it.")
  static final class Build implements Callable<Integer> {
    @Option(names = "--vectors", paramLabel = "FILE", description = "Matrix file (docs/formats.md, 'Vector matrix file').")
    Path vectors;

    @Option(names = "--model", paramLabel = "FILE", description = "A saved embedding model: index its item vectors.")
    Path model;

    @Option(names = "--kind", defaultValue = "hnsw", description = "flat, hnsw, ivfpq or lsh. Default: ${DEFAULT-VALUE}.")
    String kind;

    @Option(names = "--similarity", defaultValue = "ip", description = "ip, cosine or l2. Default: ${DEFAULT-VALUE}.")
    String similarity;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Index parameter, repeatable (hnsw: m, efConstruction, ef, seed).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--threads", description = "Build threads. Default: all cores.")
    Integer threads;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Index file to write.")
    Path out;

    @Override
    public Integer call() {
      int[] dim = new int[1];
      float[] data = vectors(vectors, model, dim);
      long t0 = System.nanoTime();
      VectorIndex index = VectorIndexes.build(kind, data, dim[0], Similarity.parse(similarity), params,
          threads == null ? Parallel.defaultThreads() : threads);
      double secs = (System.nanoTime() - t0) / 1e9;
      index.save(out);
      System.out.printf(Locale.ROOT, "built %s over %,d x %d in %.2f s: %,d bytes (%.1f per vector), wrote %s%n", kind, index.size(),
          index.dim(), secs, index.bytesUsed(), (double) index.bytesUsed() / Math.max(1, index.size()), out);
      return 0;
    }
  }

  @Command(name = "search", mixinStandardHelpOptions = true, description = "Query a saved index.")
  static final class Search implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = "FILE")
    Path index;

    @Option(names = "--query", paramLabel = "F,F,...", description = "One query vector, comma-separated.")
    String query;

    @Option(names = "--queries", paramLabel = "FILE", description = "Matrix file of queries (one result line per row).")
    Path queries;

    @Option(names = "--k", defaultValue = "10")
    int k;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Search parameter (hnsw: ef; ivfpq: nprobe, rerank; lsh: probes).")
    Map<String, String> params = new LinkedHashMap<>();

    @Override
    public Integer call() {
      VectorIndex idx = VectorIndexes.load(index).withSearchParams(params);
      if ((query == null) == (queries == null)) {
        throw new IllegalArgumentException("give exactly one of --query or --queries");
      }
      if (query != null) {
        String[] parts = query.split(",");
        float[] q = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
          try {
            q[i] = Float.parseFloat(parts[i].trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--query: component " + i + " is not a number: '" + parts[i] + "'");
          }
        }
        print(idx.search(q, k));
      } else {
        MatrixFile.Matrix m = MatrixFile.read(queries);
        for (ScoredItems r : idx.searchBatch(m.data(), m.rows(), k, ItemFilter.ALL, Parallel.defaultThreads())) {
          print(r);
        }
      }
      return 0;
    }

    private static void print(ScoredItems r) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        sb.append(i == 0 ? "" : " ").append(r.item(i)).append(':').append(String.format(Locale.ROOT, "%.5f", r.score(i)));
      }
      System.out.println(sb);
    }
  }

  @Command(name = "bench", mixinStandardHelpOptions = true,
      description = "Recall@k against exact search, queries/s (1 thread and all), bytes per vector, load time.")
  static final class Bench implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = "FILE")
    Path index;

    @Option(names = "--vectors", paramLabel = "FILE", description = "The indexed vectors, for the exact oracle.")
    Path vectors;

    @Option(names = "--model", paramLabel = "FILE", description = "Or the embedding model the index was built from.")
    Path model;

    @Option(names = "--queries", required = true, paramLabel = "FILE")
    Path queries;

    @Option(names = "--k", defaultValue = "10")
    int k;

    @Option(names = "--param", paramLabel = "KEY=VALUE")
    Map<String, String> params = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      long t0 = System.nanoTime();
      VectorIndex idx = VectorIndexes.load(index).withSearchParams(params);
      double load = (System.nanoTime() - t0) / 1e9;
      int[] dim = new int[1];
      float[] data = vectors(vectors, model, dim);
      MatrixFile.Matrix q = MatrixFile.read(queries);
      int threads = Parallel.defaultThreads();
      FlatIndex flat = FlatIndex.build(data, dim[0], idx.similarity());
      ScoredItems[] exact = flat.searchBatch(q.data(), q.rows(), k, ItemFilter.ALL, threads);
      float[][] rows = new float[q.rows()][];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = q.row(i);
      }
      ScoredItems[] approx = new ScoredItems[rows.length];
      for (int i = 0; i < rows.length; i++) {
        approx[i] = idx.search(rows[i], k); // warm-up and recall
      }
      t0 = System.nanoTime();
      for (int i = 0; i < rows.length; i++) {
        approx[i] = idx.search(rows[i], k);
      }
      double qps1 = rows.length / ((System.nanoTime() - t0) / 1e9);
      t0 = System.nanoTime();
      idx.searchBatch(q.data(), q.rows(), k, ItemFilter.ALL, threads);
      double qpsAll = rows.length / ((System.nanoTime() - t0) / 1e9);
      int[][] t = new int[exact.length][];
      int[][] a = new int[approx.length][];
      for (int i = 0; i < exact.length; i++) {
        t[i] = exact[i].items();
        a[i] = approx[i].items();
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("index", idx.kind());
      row.put("params", idx.params());
      row.put("recall@" + k, ClusteredVectors.recall(t, a, k));
      row.put("qps_1t", Math.round(qps1));
      row.put("qps_all", Math.round(qpsAll));
      row.put("bytes_per_vector", (double) idx.bytesUsed() / Math.max(1, idx.size()));
      row.put("file_bytes", Files.size(index));
      row.put("load_seconds", load);
      System.out.println(Json.MAPPER.writeValueAsString(row));
      return 0;
    }
  }
}
