// Lucene 9.12.3 peer for bench/run ann-* (peer name lucene9): LucenePeer.java on the Lucene 9 API
// (RandomAccessVectorValues instead of FloatVectorValues; HnswGraph without maxConn/neighborCount).
// Lucene 9 and 10 share package names, so this runs in its own JVM with only lucene-core 9.12.3 on
// the class path (bench/target/lucene9, copied by the bench's ann-peers Maven profile), and needs
// -Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=<running feature version> on JDK > 23
// or it silently falls back to scalar code. Harness ours, never shipped.
// Lucene's util.hnsw used directly (no IndexWriter, no query parsing): the graph builder, the
// concurrent merge builder for threads > 1, the default flat scorer (Panama SIMD via VectorUtil
// when started with --add-modules jdk.incubator.vector) and HnswGraphSearcher with a TopKnnCollector
// of size ef (Lucene's beam width is the collector's k).
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
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.NeighborArray;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

public class Lucene9Peer {
  static int rows;
  static int cols;

  static ByteBuffer read(String path) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Path.of(path))).order(ByteOrder.LITTLE_ENDIAN);
    rows = b.getInt();
    cols = b.getInt();
    return b;
  }

  /** A per-thread cursor over the shared graph: OnHeapHnswGraph's seek/nextNeighbor state is not thread-safe. */
  static final class View extends HnswGraph {
    final OnHeapHnswGraph g;
    int[] nodes;
    int count;
    int i;

    View(OnHeapHnswGraph g) {
      this.g = g;
    }

    @Override
    public void seek(int level, int target) {
      NeighborArray a = g.getNeighbors(level, target);
      nodes = a.nodes();
      count = a.size();
      i = -1;
    }

    @Override
    public int size() {
      return g.size();
    }

    @Override
    public int nextNeighbor() {
      return ++i < count ? nodes[i] : org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
    }

    @Override
    public int numLevels() throws IOException {
      return g.numLevels();
    }

    @Override
    public int entryNode() throws IOException {
      return g.entryNode();
    }

    @Override
    public NodesIterator getNodesOnLevel(int level) throws IOException {
      return g.getNodesOnLevel(level);
    }
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

    RandomAccessVectorValues.Floats values = RandomAccessVectorValues.fromFloats(vecs, dim);
    FlatVectorsScorer scorer = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();
    RandomVectorScorerSupplier supplier = scorer.getRandomVectorScorerSupplier(VectorSimilarityFunction.DOT_PRODUCT, values);
    var osBean = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    var threadBean = java.lang.management.ManagementFactory.getThreadMXBean();
    long p0 = osBean.getProcessCpuTime();
    long t0 = System.nanoTime();
    OnHeapHnswGraph graph;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    if (threads > 1) {
      // The graph's constructor is package-private; ConcurrentHnswMerger calls it the same way.
      var ctor = OnHeapHnswGraph.class.getDeclaredConstructor(int.class, int.class);
      ctor.setAccessible(true);
      OnHeapHnswGraph g = ctor.newInstance(m, n);
      graph = new HnswConcurrentMergeBuilder(new TaskExecutor(pool), threads, supplier, m, efc, g, null).build(n);
    } else {
      graph = HnswGraphBuilder.create(supplier, m, efc, 42).build(n);
    }
    double build = (System.nanoTime() - t0) / 1e9;
    double buildCpu = (osBean.getProcessCpuTime() - p0) / 1e9;
    System.out.printf("built %d x %d in %.2f s on %d threads (%s)%n", n, dim, build, threads, scorer);
    double bytesPerVector = (graph.ramBytesUsed() + 4.0 * n * dim) / n;

    ThreadLocal<View> views = ThreadLocal.withInitial(() -> new View(graph));
    double[] recall = new double[efs.length];
    for (int e = 0; e < efs.length; e++) {
      int hits = 0;
      for (int q = 0; q < nq; q++) {
        int[] ids = search(scorer, values, views.get(), queries[q], efs[e]);
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
            sink += search(scorer, values, views.get(), queries[q], efs[e]).length;
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
                search(scorer, values, views.get(), queries[j % nq], ef);
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
          "ROW {\"index\":\"lucene9\",\"params\":\"M=%d efc=%d ef=%d\",\"recall@10\":%.4f,\"qps_1t\":%.0f,\"qps_1t_cpu\":%.0f,\"qps_all\":%.0f,"
              + "\"build_seconds\":%.2f,\"build_cpu_seconds\":%.2f,\"bytes_per_vector\":%.1f}%n",
          m, efc, efs[e], recall[e], median(t1.get(e)), median(c1.get(e)), median(tAll.get(e)), build, buildCpu,
          bytesPerVector);
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  static int[] search(FlatVectorsScorer scorer, RandomAccessVectorValues.Floats values, View graph, float[] q, int ef) throws IOException {
    TopKnnCollector c = new TopKnnCollector(ef, Integer.MAX_VALUE);
    HnswGraphSearcher.search(scorer.getRandomVectorScorer(VectorSimilarityFunction.DOT_PRODUCT, values, q), c, graph, null);
    TopDocs td = c.topDocs();
    int n = Math.min(10, td.scoreDocs.length);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = td.scoreDocs[i].doc;
    }
    return ids;
  }
}
