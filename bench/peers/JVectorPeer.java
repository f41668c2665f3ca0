// JVector peer for bench/run ann-* (harness ours, run as a single-file source program on JDK 21+
// with jvector from the bench's jdk21 Maven profile on the class path; never shipped). Started with
// -Djvector.vectorization_provider=panama (its default native provider is slower on JDK 25).
// JVector's degree bound is a single maxDegree (no 2M on level 0): we pass 2M so that level 0 has
// the same number of links as hnswlib / Lucene with M; beam width efConstruction; alpha 1.2,
// neighbour overflow 1.2, hierarchy on (its defaults). Search: a GraphSearcher per thread, exact
// scores, topK 10 with rerankK = ef (JVector's beam width).
// Args: vectors.bin queries.bin truth.bin M efConstruction threads rounds ef1,ef2,...
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;

public class JVectorPeer {
  static int rows;
  static int cols;

  static ByteBuffer read(String path) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Path.of(path))).order(ByteOrder.LITTLE_ENDIAN);
    rows = b.getInt();
    cols = b.getInt();
    return b;
  }

  static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }

  public static void main(String[] args) throws Exception {
    ByteBuffer vb = read(args[0]);
    int n = rows;
    int dim = cols;
    List<float[]> vecs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] v = new float[dim];
      vb.asFloatBuffer().get(v);
      vb.position(vb.position() + 4 * dim);
      vecs.add(v);
    }
    ByteBuffer qb = read(args[1]);
    int nq = rows;
    float[][] queries = new float[nq][dim];
    for (int q = 0; q < nq; q++) {
      qb.asFloatBuffer().get(queries[q]);
      qb.position(qb.position() + 4 * dim);
    }
    ByteBuffer tb = read(args[2]);
    int k = cols;
    int[][] truth = new int[nq][k];
    for (int q = 0; q < nq; q++) {
      tb.asIntBuffer().get(truth[q]);
      tb.position(tb.position() + 4 * k);
    }
    int m = Integer.parseInt(args[3]);
    int efc = Integer.parseInt(args[4]);
    int threads = Integer.parseInt(args[5]);
    int rounds = Integer.parseInt(args[6]);
    int[] efs = Arrays.stream(args[7].split(",")).mapToInt(Integer::parseInt).toArray();

    VectorTypeSupport vts = VectorizationProvider.getInstance().getVectorTypeSupport();
    List<VectorFloat<?>> list = new ArrayList<>(n);
    for (float[] v : vecs) {
      list.add(vts.createFloatVector(v));
    }
    VectorFloat<?>[] qv = new VectorFloat<?>[nq];
    for (int q = 0; q < nq; q++) {
      qv[q] = vts.createFloatVector(queries[q]);
    }
    RandomAccessVectorValues values = new ListRandomAccessVectorValues(list, dim);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    var osBean = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    var threadBean = java.lang.management.ManagementFactory.getThreadMXBean();
    long p0 = osBean.getProcessCpuTime();
    long t0 = System.nanoTime();
    ImmutableGraphIndex graph;
    try (GraphIndexBuilder builder = new GraphIndexBuilder(values, VectorSimilarityFunction.DOT_PRODUCT, 2 * m, efc, 1.2f, 1.2f, true)) {
      graph = builder.build(values);
    }
    double build = (System.nanoTime() - t0) / 1e9;
    double buildCpu = (osBean.getProcessCpuTime() - p0) / 1e9;
    System.out.printf("built %d x %d in %.2f s (%s, fork-join common pool parallelism %d)%n", n, dim, build,
        VectorizationProvider.getInstance().getClass().getSimpleName(), java.util.concurrent.ForkJoinPool.commonPool().getParallelism());
    double bytesPerVector = (graph.ramBytesUsed() + 4.0 * n * dim) / n;
    ThreadLocal<GraphSearcher> views = ThreadLocal.withInitial(() -> new GraphSearcher(graph));
    double[] recall = new double[efs.length];
    for (int e = 0; e < efs.length; e++) {
      int hits = 0;
      for (int q = 0; q < nq; q++) {
        int[] ids = search(values, views.get(), qv[q], efs[e]);
        for (int a = 0; a < Math.min(10, ids.length); a++) {
          for (int b = 0; b < Math.min(10, k); b++) {
            if (ids[a] == truth[q][b]) {
              hits++;
              break;
            }
          }
        }
      }
      recall[e] = hits / (double) (nq * Math.min(10, k));
    }
    List<List<Double>> t1 = new ArrayList<>();
    List<List<Double>> tAll = new ArrayList<>();
    List<List<Double>> c1 = new ArrayList<>();
    for (int e = 0; e < efs.length; e++) {
      t1.add(new ArrayList<>());
      c1.add(new ArrayList<>());
      tAll.add(new ArrayList<>());
    }
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      for (int e = 0; e < efs.length; e++) {
        for (int rep = 0; rep < 2; rep++) {
          long s = System.nanoTime();
          long cs = threadBean.getCurrentThreadCpuTime();
          for (int q = 0; q < nq; q++) {
            sink += search(values, views.get(), qv[q], efs[e]).length;
          }
          t1.get(e).add(nq / ((System.nanoTime() - s) / 1e9));
          c1.get(e).add(nq / ((threadBean.getCurrentThreadCpuTime() - cs) / 1e9));
        }
        int ef = efs[e];
        AtomicInteger cursor = new AtomicInteger();
        long s = System.nanoTime();
        List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          fs.add(pool.submit(() -> {
            int q;
            while ((q = cursor.getAndAdd(16)) < 3 * nq) {
              for (int j = q; j < Math.min(3 * nq, q + 16); j++) {
                search(values, views.get(), qv[j % nq], ef);
              }
            }
            return null;
          }));
        }
        for (var f : fs) {
          f.get();
        }
        tAll.get(e).add(3.0 * nq / ((System.nanoTime() - s) / 1e9));
      }
    }
    pool.shutdown();
    for (int e = 0; e < efs.length; e++) {
      System.out.printf(java.util.Locale.ROOT,
          "ROW {\"index\":\"jvector\",\"params\":\"maxDegree=%d efc=%d ef=%d\",\"recall@10\":%.4f,\"qps_1t\":%.0f,\"qps_1t_cpu\":%.0f,\"qps_all\":%.0f,"
              + "\"build_seconds\":%.2f,\"build_cpu_seconds\":%.2f,\"bytes_per_vector\":%.1f}%n",
          2 * m, efc, efs[e], recall[e], median(t1.get(e)), median(c1.get(e)), median(tAll.get(e)), build, buildCpu,
          bytesPerVector);
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  static int[] search(RandomAccessVectorValues values, GraphSearcher searcher, VectorFloat<?> q, int ef) {
    SearchResult r = searcher.search(DefaultSearchScoreProvider.exact(q, VectorSimilarityFunction.DOT_PRODUCT, values), 10, ef, 0f, 0f,
        Bits.ALL);
    SearchResult.NodeScore[] nodes = r.getNodes();
    int[] ids = new int[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      ids[i] = nodes[i].node;
    }
    return ids;
  }
}
