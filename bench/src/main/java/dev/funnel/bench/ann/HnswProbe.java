package dev.funnel.bench.ann;

import dev.funnel.ann.VectorIndex;
import dev.funnel.ann.VectorIndexes;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A quick single-thread A/B probe for search-side changes to an index: loads a saved index and the
 * bench's query and ground-truth files ({@link VectorFile}), then times 1,000-query passes per
 * {@code ef}, the passes interleaved across the sweep, and prints recall@10 and the median queries
 * per CPU-second of the query thread. Not a preset: the same-run ratio to hnswlib comes from
 * {@code bench/run ann-synthetic-100k-hnsw}; this is the loop for trying a change in a minute.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'bench/target/funnel-bench.jar:bench/target/lib/*' \
 *   dev.funnel.bench.ann.HnswProbe bench/target/ann/100000/hnsw.fvi bench/target/ann/100000 16,32,48 9
 * </pre>
 */
public final class HnswProbe {
  private HnswProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: HnswProbe INDEX.fvi DIR(queries.bin, truth.bin) ef1,ef2,... [passes]");
      System.exit(2);
    }
    VectorIndex index = VectorIndexes.load(Path.of(args[0]));
    Path dir = Path.of(args[1]);
    int[] efs = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
    int passes = args.length > 3 ? Integer.parseInt(args[3]) : 9;
    ByteBuffer qb = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("queries.bin"))).order(ByteOrder.LITTLE_ENDIAN);
    int nq = qb.getInt();
    int dim = qb.getInt();
    float[][] queries = new float[nq][dim];
    for (float[] q : queries) {
      qb.asFloatBuffer().get(q);
      qb.position(qb.position() + 4 * dim);
    }
    ByteBuffer tb = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("truth.bin"))).order(ByteOrder.LITTLE_ENDIAN);
    int tq = tb.getInt();
    int k = tb.getInt();
    int[][] truth = new int[tq][k];
    for (int[] t : truth) {
      tb.asIntBuffer().get(t);
      tb.position(tb.position() + 4 * k);
    }
    List<VectorIndex> views = new ArrayList<>();
    for (int ef : efs) {
      views.add(index.withSearchParams(Map.of("ef", String.valueOf(ef))));
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[][] qps = new double[efs.length][passes];
    long sink = 0;
    // One untimed pass per ef first: the JIT compiles the search before the first timing.
    for (int p = -1; p < passes; p++) {
      for (int e = 0; e < efs.length; e++) {
        VectorIndex v = views.get(e);
        long c0 = threads.getCurrentThreadCpuTime();
        for (float[] q : queries) {
          sink += v.search(q, 10, ItemFilter.ALL).size();
        }
        long c = threads.getCurrentThreadCpuTime() - c0;
        if (p >= 0) {
          qps[e][p] = nq / (c / 1e9);
        }
      }
    }
    for (int e = 0; e < efs.length; e++) {
      int hits = 0;
      for (int q = 0; q < nq; q++) {
        ScoredItems r = views.get(e).search(queries[q], 10, ItemFilter.ALL);
        for (int i = 0; i < r.size(); i++) {
          for (int j = 0; j < Math.min(10, k); j++) {
            if (r.item(i) == truth[q][j]) {
              hits++;
              break;
            }
          }
        }
      }
      double[] s = qps[e].clone();
      Arrays.sort(s);
      System.out.printf(Locale.ROOT, "ef=%d recall@10=%.4f qps_1t_cpu median=%.0f min=%.0f max=%.0f%n", efs[e],
          hits / (double) (nq * Math.min(10, k)), s[s.length / 2], s[0], s[s.length - 1]);
    }
    if (sink == 42) {
      System.out.println();
    }
  }
}
