package dev.funnel.bench.eval;

import dev.funnel.data.Interactions;
import dev.funnel.eval.EvalResult;
import dev.funnel.eval.EvalTable;
import dev.funnel.eval.Evaluator;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Times full-sort and sampled evaluation on a LightGCN-format dataset (gowalla) with two cheap
 * stand-in models, so the evaluator can be measured without any trained model:
 *
 * <ul>
 *   <li>{@code popularity}: every user gets the items' training degrees (no per-user work);
 *   <li>{@code random-emb-64}: random 64-dim user and item vectors, score = dot product, the cost
 *       profile of an embedding model (MF, LightGCN) at evaluation time; items stored
 *       dimension-major and scored in cache-sized item blocks (vectorised by C2);
 *   <li>{@code random-emb-64-dot}: the same vectors stored item-major and scored by one dot product
 *       per item (4 accumulators), the layout a straightforward model would use: about 3x slower.
 * </ul>
 *
 * <p>Also times scoring alone, so the evaluator's own overhead (masking, selection, metrics) is the
 * difference. Usage: {@code EvalBench <dir with train.txt and test.txt> [threads] [rounds] [comma-separated model names]}.
 */
public final class EvalBench {
  private EvalBench() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/gowalla");
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : Parallel.defaultThreads();
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    long t0 = System.nanoTime();
    int[][] trainRows = readLightGcn(dir.resolve("train.txt"));
    int[][] testRows = readLightGcn(dir.resolve("test.txt"));
    int numUsers = Math.max(trainRows.length, testRows.length);
    int numItems = 1 + Math.max(maxItem(trainRows), maxItem(testRows));
    Interactions train = toMatrix(trainRows, numUsers, numItems);
    Interactions test = toMatrix(testRows, numUsers, numItems);
    System.out.printf(Locale.ROOT, "loaded %s: %d users, %d items, %d train, %d test in %.2f s; threads=%d, cpus=%d, java %s%n",
        dir, numUsers, numItems, train.nnz(), test.nnz(), (System.nanoTime() - t0) / 1e9, threads,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

    List<String> only = args.length > 3 ? List.of(args[3].split(",")) : List.of();
    List<RecallModel> models = new ArrayList<>();
    for (RecallModel m : List.of(new PopularityScores(train), new RandomEmbedding(numUsers, numItems, 64, 42L),
        new RandomEmbeddingRowMajor(numUsers, numItems, 64, 42L))) {
      if (only.isEmpty() || only.contains(m.algorithm())) {
        models.add(m);
      }
    }
    int[] ks = {20, 50};
    for (int round = 1; round <= rounds; round++) {
      List<String> names = new ArrayList<>();
      List<EvalResult> full = new ArrayList<>();
      List<EvalResult> sampled = new ArrayList<>();
      for (RecallModel m : models) {
        // CPU seconds of the process next to wall seconds: on a shared machine wall time depends
        // on the neighbours, CPU time much less (cpu / threads is the wall time on idle cores).
        double c0 = cpuSeconds();
        double scoring = timeScoring(m, numUsers, numItems, threads);
        double c1 = cpuSeconds();
        EvalResult f = Evaluator.fullSort(m, train, test, ks, threads, Progress.NONE);
        double c2 = cpuSeconds();
        EvalResult s = Evaluator.sampled(m, train, test, new int[] {10}, 100, 1L, threads, Progress.NONE);
        double c3 = cpuSeconds();
        System.out.printf(Locale.ROOT,
            "round %d %-17s scoring only %6.2f s wall %6.2f s cpu | full-sort %6.2f s wall %6.2f s cpu | sampled-100 %6.2f s wall %6.2f s cpu%n",
            round, m.algorithm(), scoring, c1 - c0, f.seconds(), c2 - c1, s.seconds(), c3 - c2);
        names.add(m.algorithm());
        full.add(f);
        sampled.add(s);
      }
      if (round == rounds) {
        System.out.println();
        System.out.print(EvalTable.format("full-sort", names, full));
        System.out.println();
        System.out.print(EvalTable.format("sampled-100", names, sampled));
      }
    }
  }

  private static double cpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  /** Seconds to call scoreUser for every user (the floor under any full-sort evaluation). */
  private static double timeScoring(RecallModel m, int numUsers, int numItems, int threads) {
    long t = System.nanoTime();
    float[][] buffers = new float[threads][numItems];
    double[] sink = new double[threads];
    Parallel.forRange(numUsers, threads, 64, (w, from, to) -> {
      for (int u = from; u < to; u++) {
        m.scoreUser(u, buffers[w]);
        sink[w] += buffers[w][u % numItems];
      }
    });
    if (Double.isNaN(Arrays.stream(sink).sum())) {
      System.out.println("NaN");
    }
    return (System.nanoTime() - t) / 1e9;
  }

  /** Reads {@code user item item ...} lines; user ids index the result (missing users stay empty). */
  static int[][] readLightGcn(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    int[][] rows = new int[0][];
    int lineNo = 0;
    for (String line : lines) {
      lineNo++;
      String s = line.trim();
      if (s.isEmpty()) {
        continue;
      }
      String[] parts = s.split("\\s+");
      int[] ids = new int[parts.length];
      try {
        for (int p = 0; p < parts.length; p++) {
          ids[p] = Integer.parseInt(parts[p]);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + ":" + lineNo + ": not an integer id: " + e.getMessage());
      }
      int user = ids[0];
      if (user >= rows.length) {
        int old = rows.length;
        rows = Arrays.copyOf(rows, Math.max(user + 1, old * 2));
      }
      int[] items = Arrays.copyOfRange(ids, 1, ids.length);
      Arrays.sort(items);
      rows[user] = Arrays.stream(items).distinct().toArray();
    }
    int n = rows.length;
    while (n > 0 && rows[n - 1] == null) {
      n--;
    }
    rows = Arrays.copyOf(rows, n);
    for (int u = 0; u < n; u++) {
      if (rows[u] == null) {
        rows[u] = new int[0];
      }
    }
    return rows;
  }

  private static int maxItem(int[][] rows) {
    int max = -1;
    for (int[] r : rows) {
      for (int i : r) {
        max = Math.max(max, i);
      }
    }
    return max;
  }

  private static Interactions toMatrix(int[][] rows, int numUsers, int numItems) {
    int[] ptr = new int[numUsers + 1];
    for (int u = 0; u < numUsers; u++) {
      ptr[u + 1] = ptr[u] + (u < rows.length ? rows[u].length : 0);
    }
    int[] items = new int[ptr[numUsers]];
    for (int u = 0; u < rows.length; u++) {
      System.arraycopy(rows[u], 0, items, ptr[u], rows[u].length);
    }
    float[] values = new float[items.length];
    Arrays.fill(values, 1f);
    return new Interactions(numUsers, numItems, ptr, items, values, new long[items.length]);
  }

  /** Shared stubs of the stand-in models. */
  private abstract static class StandIn implements RecallModel {
    private record None() {}

    @Override
    public Record config() {
      return new None();
    }

    @Override
    public boolean knowsUser(int user) {
      return true;
    }

    @Override
    public ScoredItems similarItems(int item, int k, ItemFilter filter) {
      return ScoredItems.EMPTY;
    }

    @Override
    public void writePayload(DataOutput out) {
      throw new UnsupportedOperationException("bench stand-in");
    }
  }

  /** Scores every item by its training degree, the same for every user. */
  static final class PopularityScores extends StandIn {
    private final int numUsers;
    private final float[] degree;

    PopularityScores(Interactions train) {
      numUsers = train.numUsers();
      degree = new float[train.numItems()];
      for (int i = 0; i < degree.length; i++) {
        degree[i] = train.itemDegree(i);
      }
    }

    @Override
    public String algorithm() {
      return "popularity";
    }

    @Override
    public int numUsers() {
      return numUsers;
    }

    @Override
    public int numItems() {
      return degree.length;
    }

    @Override
    public void scoreUser(int user, float[] out) {
      System.arraycopy(degree, 0, out, 0, degree.length);
    }
  }

  /**
   * Random embeddings, dot-product scores. Items are stored dimension-major ({@code items[d][i]})
   * so scoring is {@code dim} passes of out[i] += u[d] * items[d][i], which C2 vectorises; the
   * passes run over blocks of {@value #BLOCK} items so the output block stays in L1.
   */
  static final class RandomEmbedding extends StandIn {
    private static final int BLOCK = 2048;
    private final int dim;
    private final float[] users;
    private final float[][] itemsByDim;

    RandomEmbedding(int numUsers, int numItems, int dim, long seed) {
      this.dim = dim;
      Random rnd = new Random(seed);
      users = new float[numUsers * dim];
      for (int p = 0; p < users.length; p++) {
        users[p] = (float) rnd.nextGaussian() * 0.1f;
      }
      itemsByDim = new float[dim][numItems];
      for (float[] row : itemsByDim) {
        for (int i = 0; i < numItems; i++) {
          row[i] = (float) rnd.nextGaussian() * 0.1f;
        }
      }
    }

    @Override
    public String algorithm() {
      return "random-emb-" + dim;
    }

    @Override
    public int numUsers() {
      return users.length / dim;
    }

    @Override
    public int numItems() {
      return itemsByDim[0].length;
    }

    @Override
    public void scoreUser(int user, float[] out) {
      int n = out.length;
      int base = user * dim;
      for (int from = 0; from < n; from += BLOCK) {
        int to = Math.min(n, from + BLOCK);
        float w0 = users[base];
        float[] first = itemsByDim[0];
        for (int i = from; i < to; i++) {
          out[i] = w0 * first[i];
        }
        for (int d = 1; d < dim; d++) {
          float w = users[base + d];
          float[] row = itemsByDim[d];
          for (int i = from; i < to; i++) {
            out[i] += w * row[i];
          }
        }
      }
    }
  }

  /** The same random vectors as {@link RandomEmbedding}, stored item-major, one dot product per item. */
  static final class RandomEmbeddingRowMajor extends StandIn {
    private final int dim;
    private final float[] users;
    private final float[] items;

    RandomEmbeddingRowMajor(int numUsers, int numItems, int dim, long seed) {
      if (dim % 4 != 0) {
        throw new IllegalArgumentException("dim must be a multiple of 4; dim=" + dim);
      }
      RandomEmbedding source = new RandomEmbedding(numUsers, numItems, dim, seed);
      this.dim = dim;
      users = source.users;
      items = new float[numItems * dim];
      for (int d = 0; d < dim; d++) {
        for (int i = 0; i < numItems; i++) {
          items[i * dim + d] = source.itemsByDim[d][i];
        }
      }
    }

    @Override
    public String algorithm() {
      return "random-emb-" + dim + "-dot";
    }

    @Override
    public int numUsers() {
      return users.length / dim;
    }

    @Override
    public int numItems() {
      return items.length / dim;
    }

    @Override
    public void scoreUser(int user, float[] out) {
      int u = user * dim;
      for (int i = 0, n = out.length; i < n; i++) {
        int b = i * dim;
        float a0 = 0;
        float a1 = 0;
        float a2 = 0;
        float a3 = 0;
        for (int d = 0; d < dim; d += 4) {
          a0 += users[u + d] * items[b + d];
          a1 += users[u + d + 1] * items[b + d + 1];
          a2 += users[u + d + 2] * items[b + d + 2];
          a3 += users[u + d + 3] * items[b + d + 3];
        }
        out[i] = (a0 + a1) + (a2 + a3);
      }
    }
  }
}
