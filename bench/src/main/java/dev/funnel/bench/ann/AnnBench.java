package dev.funnel.bench.ann;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.ann.ClusteredVectors;
import dev.funnel.ann.Similarity;
import dev.funnel.ann.VectorIndex;
import dev.funnel.ann.VectorIndexes;
import dev.funnel.ann.flat.FlatIndex;
import dev.funnel.ann.hnsw.HnswConfig;
import dev.funnel.ann.hnsw.HnswIndex;
import dev.funnel.ann.ivfpq.IvfPqConfig;
import dev.funnel.ann.ivfpq.IvfPqIndex;
import dev.funnel.ann.lsh.LshConfig;
import dev.funnel.ann.lsh.LshIndex;
import dev.funnel.kernel.Kernels;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.Parallel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Preset kind {@code ann}: issue 9's synthetic set (seeded Gaussian clusters, L2-normalised,
 * held-out queries, exact top-k by the flat index), our indexes swept over their knobs, and the
 * peers (Lucene, JVector, hnswlib, Faiss) run in the same invocation on the same vectors, each in its
 * own process, reading the files this class writes (see {@link VectorFile}).
 *
 * <p>Rows: {@code index, params, recall@10, qps_1t, qps_all, build_seconds, bytes_per_vector,
 * ratio_to_hnswlib} (queries/s of the row over hnswlib's queries/s interpolated at the same recall).
 * Single-thread queries/s is the median of {@code 2 x rounds} timings, the rounds interleaved across
 * the sweep so that load spikes on a shared machine spread over all rows. Summary rows give each
 * index's queries/s interpolated at recall 0.95 and 0.99.
 */
public final class AnnBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The queries/s that ratios and summaries compare: per CPU-second of the single query thread. */
  static final String QPS = "qps_1t_cpu";

  private AnnBench() {}

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> run(Map<String, Object> spec, Path root, Path preset) throws Exception {
    int n = num(spec, "vectors", 100_000);
    int nq = num(spec, "queries", 1000);
    int dim = num(spec, "dim", 64);
    int clusters = num(spec, "clusters", 200);
    double noise = ((Number) spec.getOrDefault("noise", 0.6)).doubleValue();
    long seed = ((Number) spec.getOrDefault("seed", 42)).longValue();
    int k = num(spec, "k", 10);
    int m = num(spec, "m", 16);
    int efc = num(spec, "ef_construction", 100);
    int rounds = num(spec, "rounds", 3);
    int threads = num(spec, "threads", Parallel.defaultThreads());
    List<Integer> efs = (List<Integer>) spec.getOrDefault("ef", List.of(16, 24, 32, 48, 64, 96, 128));
    List<String> peers = (List<String>) spec.getOrDefault("peers", List.of());
    boolean flatRows = Boolean.TRUE.equals(spec.getOrDefault("flat", true));
    Similarity sim = Similarity.INNER_PRODUCT; // the vectors are unit length: ip == cosine, and every peer supports it

    Path work = root.resolve("bench/target/ann/" + n);
    Files.createDirectories(work);
    System.out.printf("load average before: %s%n", loadAverage());
    long t0 = System.nanoTime();
    float[] all = ClusteredVectors.generate(n + nq, dim, clusters, noise, true, seed);
    float[] items = Arrays.copyOf(all, n * dim);
    float[] queries = Arrays.copyOfRange(all, n * dim, (n + nq) * dim);
    float[][] qrows = new float[nq][];
    for (int q = 0; q < nq; q++) {
      qrows[q] = Arrays.copyOfRange(queries, q * dim, (q + 1) * dim);
    }
    System.out.printf("generated %,d x %d vectors + %,d queries (seed %d) in %.1f s%n", n, dim, nq, seed, secs(t0));

    t0 = System.nanoTime();
    FlatIndex flat = FlatIndex.build(items, dim, sim);
    int[][] truth = ids(flat.searchBatch(queries, nq, k, ItemFilter.ALL, threads));
    System.out.printf("exact top-%d by flat (%s) in %.1f s%n", k, flat.kernels().name(), secs(t0));
    Path vecFile = work.resolve("vectors.bin");
    Path queryFile = work.resolve("queries.bin");
    Path truthFile = work.resolve("truth.bin");
    VectorFile.writeFloats(vecFile, items, n, dim);
    VectorFile.writeFloats(queryFile, queries, nq, dim);
    VectorFile.writeInts(truthFile, truth, k);

    List<Map<String, Object>> rows = new ArrayList<>();
    if (flatRows) {
      rows.addAll(flatRows(flat, queries, qrows, k, threads, rounds, n, dim));
    }

    // Our HNSW: build on all threads, then the ef sweep.
    t0 = System.nanoTime();
    double cpu0 = processCpuSeconds();
    HnswIndex hnsw = HnswIndex.build(items, dim, sim, new HnswConfig(m, efc, efs.get(0), seed), threads);
    double[] build = {secs(t0), processCpuSeconds() - cpu0};
    System.out.printf("hnsw build: %.2f s on %d threads, %.2f CPU s (max level %d, mean level-0 degree %.1f)%n", build[0], threads, build[1],
        hnsw.maxLevel(), hnsw.meanDegree());
    Path saved = work.resolve("hnsw.fvi");
    hnsw.save(saved);
    t0 = System.nanoTime();
    VectorIndex loaded = VectorIndexes.load(saved);
    double load = secs(t0);
    System.out.printf("hnsw save + load: %,d bytes on disk, load %.3f s%n", Files.size(saved), load);
    List<VectorIndex> views = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int ef : efs) {
      views.add(hnsw.withEf(ef));
      labels.add("M=" + m + " efc=" + efc + " ef=" + ef);
    }
    for (Map<String, Object> row : sweep("hnsw", labels, views, truth, qrows, queries, k, threads, rounds, build,
        (double) hnsw.bytesUsed() / n)) {
      row.put("load_seconds", round(load, 3));
      rows.add(row);
    }

    Map<String, Object> ivf = (Map<String, Object>) spec.get("ivfpq");
    if (ivf != null) {
      int nlist = num(ivf, "nlist", 256);
      int pqBytes = num(ivf, "pq_bytes", 16);
      List<Integer> nprobes = (List<Integer>) ivf.getOrDefault("nprobe", List.of(8, 16, 32));
      List<Integer> reranks = (List<Integer>) ivf.getOrDefault("rerank", List.of(0, 100));
      t0 = System.nanoTime();
      double ivfCpu0 = processCpuSeconds();
      IvfPqIndex built = IvfPqIndex.build(items, dim, sim, new IvfPqConfig(nlist, pqBytes, nprobes.get(0), reranks.get(0),
          num(ivf, "iters", 10), num(ivf, "train_sample", 32_768), seed), threads);
      double[] ivfBuild = {secs(t0), processCpuSeconds() - ivfCpu0};
      Path ivfFile = work.resolve("ivfpq.fvi");
      built.save(ivfFile);
      IvfPqIndex ivfLoaded = (IvfPqIndex) VectorIndexes.load(ivfFile);
      System.out.printf("ivfpq build %.2f s; loaded: %,d heap bytes (%.1f per vector, %.3f of the float vectors), re-rank vectors mapped%n",
          ivfBuild[0], ivfLoaded.bytesUsed(), (double) ivfLoaded.bytesUsed() / n, ivfLoaded.bytesUsed() / (4.0 * n * dim));
      List<VectorIndex> iv = new ArrayList<>();
      List<String> il = new ArrayList<>();
      for (int rr : reranks) {
        for (int np : nprobes) {
          iv.add(ivfLoaded.withSearch(np, rr));
          il.add("nlist=" + nlist + " pq_bytes=" + pqBytes + " nprobe=" + np + " rerank=" + rr);
        }
      }
      for (Map<String, Object> row : sweep("ivfpq", il, iv, truth, qrows, queries, k, threads, rounds, ivfBuild,
          (double) ivfLoaded.bytesUsed() / n)) {
        row.put("memory_vs_floats", round(ivfLoaded.bytesUsed() / (4.0 * n * dim), 3));
        rows.add(row);
      }
    }
    Map<String, Object> lshSpec = (Map<String, Object>) spec.get("lsh");
    if (lshSpec != null) {
      int tables = num(lshSpec, "tables", 16);
      int bits = num(lshSpec, "bits", 12);
      List<Integer> probes = (List<Integer>) lshSpec.getOrDefault("probes", List.of(0, 2, 4, 8));
      t0 = System.nanoTime();
      double lshCpu0 = processCpuSeconds();
      LshIndex lsh = LshIndex.build(items, dim, sim, new LshConfig(tables, bits, 0, seed), threads);
      double[] lshBuild = {secs(t0), processCpuSeconds() - lshCpu0};
      List<VectorIndex> lv = new ArrayList<>();
      List<String> ll = new ArrayList<>();
      for (int p : probes) {
        lv.add(lsh.withProbes(p));
        ll.add("tables=" + tables + " bits=" + bits + " probes=" + p);
      }
      rows.addAll(sweep("lsh", ll, lv, truth, qrows, queries, k, threads, rounds, lshBuild, (double) lsh.bytesUsed() / n));
    }

    String efList = String.join(",", efs.stream().map(String::valueOf).toList());
    for (String peer : peers) {
      try {
        List<Map<String, Object>> peerRows = runPeer(peer, root, work, vecFile, queryFile, truthFile, m, efc, threads, rounds, efList);
        for (Map<String, Object> row : peerRows) {
          System.out.println(format(row));
        }
        rows.addAll(peerRows);
      } catch (Exception e) {
        System.out.println("peer " + peer + " failed: " + e.getMessage());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("index", peer);
        row.put("error", String.valueOf(e.getMessage()));
        rows.add(row);
      }
    }
    addRatios(rows);
    rows.addAll(summaries(rows));
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("index", "load");
    machine.put("params", "load average before/after");
    machine.put("after", loadAverage());
    rows.add(machine);
    System.out.printf("load average after: %s%n", loadAverage());
    System.out.print(table(rows));
    return rows;
  }

  /** Recall of every view, then {@code rounds} interleaved timing rounds over all of them. */
  private static List<Map<String, Object>> sweep(String index, List<String> labels, List<VectorIndex> views, int[][] truth,
      float[][] qrows, float[] queries, int k, int threads, int rounds, double[] build, double bytesPerVector) {
    int nv = views.size();
    double[][] t1 = new double[nv][0];
    double[][] c1 = new double[nv][0];
    double[][] tAll = new double[nv][0];
    double[] recall = new double[nv];
    for (int e = 0; e < nv; e++) {
      recall[e] = ClusteredVectors.recall(truth, ids(searchAll(views.get(e), qrows, k)), k);
    }
    for (int r = 0; r < rounds; r++) {
      for (int e = 0; e < nv; e++) {
        VectorIndex v = views.get(e);
        for (int rep = 0; rep < 2; rep++) {
          double[] t = timeSingle(v, qrows, k);
          t1[e] = append(t1[e], t[0]);
          c1[e] = append(c1[e], t[1]);
        }
        tAll[e] = append(tAll[e], timeBatch(v, queries, qrows.length, k, threads));
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int e = 0; e < nv; e++) {
      Map<String, Object> row = row(index, labels.get(e), recall[e], median(t1[e]), median(tAll[e]), build[0], bytesPerVector);
      row.put("qps_1t_cpu", round(median(c1[e]), 0));
      row.put("build_cpu_seconds", round(build[1], 2));
      rows.add(row);
      System.out.println(format(row));
    }
    return rows;
  }

  private static List<Map<String, Object>> flatRows(FlatIndex flat, float[] queries, float[][] qrows, int k, int threads, int rounds,
      int n, int dim) {
    List<Map<String, Object>> rows = new ArrayList<>();
    FlatIndex scalar = flat.withKernels(Kernels.scalar());
    int sub = Math.min(qrows.length, 200);
    float[][] few = Arrays.copyOf(qrows, sub);
    double bytesPerQuery = 4.0 * n * dim;
    double[] simd1 = new double[0];
    double[] scal1 = new double[0];
    double[] simd1c = new double[0];
    double[] scal1c = new double[0];
    double[] simdB = new double[0];
    double[] scalB = new double[0];
    double[] simdBAll = new double[0];
    double[] simdBc = new double[0];
    double[] scalBc = new double[0];
    for (int r = 0; r < rounds; r++) {
      for (int rep = 0; rep < 2; rep++) {
        double[] a = timeSingle(flat, few, k);
        double[] b = timeSingle(scalar, few, k);
        simd1 = append(simd1, a[0]);
        simd1c = append(simd1c, a[1]);
        scal1 = append(scal1, b[0]);
        scal1c = append(scal1c, b[1]);
        double[] sb1 = timeBatchWallCpu(flat, queries, qrows.length, k, 1);
        double[] cb1 = timeBatchWallCpu(scalar, queries, qrows.length, k, 1);
        simdB = append(simdB, sb1[0]);
        simdBc = append(simdBc, sb1[1]);
        scalB = append(scalB, cb1[0]);
        scalBc = append(scalBc, cb1[1]);
      }
      simdBAll = append(simdBAll, timeBatch(flat, queries, qrows.length, k, threads));
    }
    double s1 = median(simd1);
    double c1 = median(scal1);
    double sb = median(simdB);
    double cb = median(scalB);
    Map<String, Object> fs = flatRow("single query, " + flat.kernels().name(), s1, s1 / c1, bytesPerQuery, n);
    fs.put("qps_1t_cpu", round(median(simd1c), 0));
    fs.put("gb_per_s_cpu", round(median(simd1c) * bytesPerQuery / 1e9, 2));
    fs.put("speedup_vs_scalar_single_cpu", round(median(simd1c) / median(scal1c), 2));
    rows.add(fs);
    Map<String, Object> fc = flatRow("single query, scalar", c1, 1.0, bytesPerQuery, n);
    fc.put("qps_1t_cpu", round(median(scal1c), 0));
    fc.put("gb_per_s_cpu", round(median(scal1c) * bytesPerQuery / 1e9, 2));
    rows.add(fc);
    Map<String, Object> b = flatRow("batched GEMM, " + flat.kernels().name(), sb, sb / c1, bytesPerQuery, n);
    b.put("qps_all", round(median(simdBAll), 0));
    b.put("qps_1t_cpu", round(median(simdBc), 0));
    b.put("gb_per_s_cpu", round(median(simdBc) * bytesPerQuery / 1e9, 2));
    b.put("speedup_vs_scalar_single_cpu", round(median(simdBc) / median(scal1c), 2));
    rows.add(b);
    Map<String, Object> bc = flatRow("batched GEMM, scalar", cb, cb / c1, bytesPerQuery, n);
    bc.put("qps_1t_cpu", round(median(scalBc), 0));
    bc.put("speedup_vs_scalar_single_cpu", round(median(scalBc) / median(scal1c), 2));
    rows.add(bc);
    for (Map<String, Object> row : rows) {
      System.out.println(format(row));
    }
    return rows;
  }

  private static Map<String, Object> flatRow(String params, double qps, double speedup, double bytesPerQuery, int n) {
    Map<String, Object> row = row("flat", params, 1.0, qps, Double.NaN, 0, 4.0 * bytesPerQuery / 4 / n);
    row.put("gb_per_s", round(qps * bytesPerQuery / 1e9, 2));
    row.put("speedup_vs_scalar_single", round(speedup, 2));
    return row;
  }

  private static Map<String, Object> row(String index, String params, double recall, double qps1, double qpsAll, double build,
      double bytesPerVector) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("index", index);
    row.put("params", params);
    row.put("recall@10", round(recall, 4));
    row.put("qps_1t", round(qps1, 0));
    row.put("qps_all", Double.isNaN(qpsAll) ? null : round(qpsAll, 0));
    row.put("build_seconds", round(build, 2));
    row.put("bytes_per_vector", round(bytesPerVector, 1));
    return row;
  }

  private static ScoredItems[] searchAll(VectorIndex index, float[][] qrows, int k) {
    ScoredItems[] out = new ScoredItems[qrows.length];
    for (int q = 0; q < qrows.length; q++) {
      out[q] = index.search(qrows[q], k);
    }
    return out;
  }

  private static int sink;

  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * Queries per second of one thread over the query rows: {wall clock, CPU time of this thread}.
   * The second is what the ratios use: on a machine shared by many builders the wall clock counts
   * time spent waiting for a core, the thread's CPU time does not.
   */
  private static double[] timeSingle(VectorIndex index, float[][] qrows, int k) {
    long c0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    int acc = 0;
    for (float[] q : qrows) {
      acc += index.search(q, k).item(0);
    }
    long t = System.nanoTime() - t0;
    long c = THREADS.getCurrentThreadCpuTime() - c0;
    sink += acc;
    return new double[] {qrows.length / (t / 1e9), qrows.length / (c / 1e9)};
  }

  /** CPU seconds used by this process so far (all threads). */
  static double processCpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  /** Queries per second of the batch API on {@code threads} threads (three passes over the queries). */
  private static double timeBatch(VectorIndex index, float[] queries, int nq, int k, int threads) {
    return timeBatchWallCpu(index, queries, nq, k, threads)[0];
  }

  /** {wall, CPU of the calling thread}; the CPU figure is meaningful for threads == 1 (the batch then runs inline). */
  private static double[] timeBatchWallCpu(VectorIndex index, float[] queries, int nq, int k, int threads) {
    long c0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    int passes = 3;
    for (int p = 0; p < passes; p++) {
      sink += index.searchBatch(queries, nq, k, ItemFilter.ALL, threads)[0].item(0);
    }
    long c = THREADS.getCurrentThreadCpuTime() - c0;
    return new double[] {passes * nq / ((System.nanoTime() - t0) / 1e9), passes * nq / (c / 1e9)};
  }

  private static List<Map<String, Object>> runPeer(String peer, Path root, Path work, Path vec, Path qry, Path truth, int m, int efc,
      int threads, int rounds, String efs) throws Exception {
    Path peers = root.resolve("bench/peers");
    List<String> args = List.of(vec.toString(), qry.toString(), truth.toString(), String.valueOf(m), String.valueOf(efc),
        String.valueOf(threads), String.valueOf(rounds), efs);
    List<String> cmd = new ArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String lib = root.resolve("bench/target/lib").toString() + "/*";
    switch (peer) {
      case "lucene" -> {
        if (Runtime.version().feature() < 21) {
          throw new IllegalStateException("Lucene 10 needs Java 21+; this JVM is " + Runtime.version());
        }
        cmd.addAll(List.of(java, "-Xmx6g", "--add-modules", "jdk.incubator.vector", "-cp", lib,
            peers.resolve("LucenePeer.java").toString()));
      }
      case "lucene9" -> {
        // Lucene 9.12.3 alone on its class path (it shares Lucene 10's packages); past JDK 23 its
        // Panama scorer needs the running feature version allowed explicitly, or it falls back to scalar.
        Path jar = root.resolve("bench/target/lucene9/lucene-core-9.12.3.jar");
        if (!Files.exists(jar)) {
          throw new IllegalStateException(jar + " missing: build the bench with Maven on JDK 21+ (profile ann-peers)");
        }
        cmd.addAll(List.of(java, "-Xmx6g", "--add-modules", "jdk.incubator.vector",
            "-Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=" + Runtime.version().feature(), "-cp", jar.toString(),
            peers.resolve("Lucene9Peer.java").toString()));
      }
      case "jvector" -> {
        if (Runtime.version().feature() < 21) {
          throw new IllegalStateException("JVector 4 needs Java 21+; this JVM is " + Runtime.version());
        }
        cmd.addAll(List.of(java, "-Xmx6g", "--add-modules", "jdk.incubator.vector", "-Djvector.vectorization_provider=panama",
            "--enable-native-access=ALL-UNNAMED", "-cp", lib, peers.resolve("JVectorPeer.java").toString()));
      }
      case "hnswlib" -> {
        Path bin = work.resolve("hnswlib_peer");
        List<String> cc = List.of("g++", "-O3", "-march=native", "-mno-avx512f", "-std=c++17", "-pthread", "-o", bin.toString(),
            peers.resolve("hnswlib_peer.cpp").toString());
        System.out.println("compiling: " + String.join(" ", cc));
        Process p = new ProcessBuilder(cc).inheritIO().start();
        if (p.waitFor() != 0) {
          throw new IllegalStateException("g++ failed (is libhnswlib-dev installed? apt-get install -y libhnswlib-dev)");
        }
        cmd.add(bin.toString());
      }
      case "faiss-hnsw" -> cmd.addAll(List.of(Files.exists(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3", peers.resolve("faiss_peer.py").toString()));
      default -> throw new IllegalArgumentException("unknown peer '" + peer + "'; valid: lucene, lucene9, jvector, hnswlib, faiss-hnsw");
    }
    cmd.addAll(args);
    System.out.println("running peer " + peer + ": " + String.join(" ", cmd));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<Map<String, Object>> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("ROW ")) {
          @SuppressWarnings("unchecked")
          Map<String, Object> row = JSON.readValue(line.substring(4), LinkedHashMap.class);
          rows.add(row);
        } else {
          System.out.println("  [" + peer + "] " + line);
        }
      }
    }
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(peer + " exited with " + (p.isAlive() ? "timeout" : p.exitValue()));
    }
    return rows;
  }

  /** Queries/s of {@code index} interpolated at {@code target} recall over its sweep, or NaN outside it. */
  static double qpsAt(List<Map<String, Object>> rows, String index, double target) {
    List<double[]> pts = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      if (index.equals(r.get("index")) && r.get("recall@10") != null && r.get(QPS) != null && !"summary".equals(r.get("kind"))) {
        pts.add(new double[] {((Number) r.get("recall@10")).doubleValue(), ((Number) r.get(QPS)).doubleValue()});
      }
    }
    pts.sort((a, b) -> Double.compare(a[0], b[0]));
    for (int i = 0; i < pts.size(); i++) {
      double[] p = pts.get(i);
      if (p[0] == target) {
        return p[1];
      }
      if (i > 0 && pts.get(i - 1)[0] < target && p[0] > target) {
        double[] a = pts.get(i - 1);
        double f = (target - a[0]) / (p[0] - a[0]);
        return a[1] + f * (p[1] - a[1]);
      }
    }
    return Double.NaN;
  }

  private static void addRatios(List<Map<String, Object>> rows) {
    for (Map<String, Object> r : rows) {
      if (r.get("recall@10") == null || r.get(QPS) == null || "flat".equals(r.get("index"))) {
        continue;
      }
      double ref = qpsAt(rows, "hnswlib", ((Number) r.get("recall@10")).doubleValue());
      r.put("ratio_to_hnswlib", Double.isNaN(ref) ? null : round(((Number) r.get(QPS)).doubleValue() / ref, 2));
    }
  }

  private static List<Map<String, Object>> summaries(List<Map<String, Object>> rows) {
    List<String> names = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      String name = String.valueOf(r.get("index"));
      if (!name.equals("flat") && r.get("recall@10") != null && !names.contains(name)) {
        names.add(name);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (double target : new double[] {0.95, 0.99}) {
      double ref = qpsAt(rows, "hnswlib", target);
      for (String name : names) {
        double q = qpsAt(rows, name, target);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("index", name);
        s.put("kind", "summary");
        s.put("params", QPS + " interpolated at recall@10=" + target);
        s.put("recall@10", target);
        s.put(QPS, Double.isNaN(q) ? null : round(q, 0));
        s.put("ratio_to_hnswlib", Double.isNaN(q) || Double.isNaN(ref) ? null : round(q / ref, 2));
        out.add(s);
      }
    }
    return out;
  }

  private static String format(Map<String, Object> row) {
    return String.format(Locale.ROOT, "%-10s %-34s recall@10=%-7s qps_1t=%-8s cpu=%-8s qps_all=%-8s build=%-6s bytes/vec=%-7s%s",
        row.get("index"), row.get("params"), row.get("recall@10"), row.get("qps_1t"), row.get("qps_1t_cpu"), row.get("qps_all"), row.get("build_seconds"),
        row.get("bytes_per_vector"), row.containsKey("gb_per_s") ? " GB/s=" + row.get("gb_per_s") + " x" + row.get("speedup_vs_scalar_single") : "");
  }

  private static String table(List<Map<String, Object>> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%n| index | params | recall@10 | qps_1t | qps_1t_cpu | qps_all | build_seconds | build_cpu_seconds | bytes_per_vector | ratio_to_hnswlib |%n"));
    sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> r : rows) {
      if (r.get("recall@10") == null) {
        continue;
      }
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.get("index"), r.get("params"),
          r.get("recall@10"), dash(r.get("qps_1t")), dash(r.get("qps_1t_cpu")), dash(r.get("qps_all")), dash(r.get("build_seconds")),
          dash(r.get("build_cpu_seconds")), dash(r.get("bytes_per_vector")),
          dash(r.get("ratio_to_hnswlib"))));
    }
    return sb.toString();
  }

  private static Object dash(Object o) {
    return o == null ? "-" : o;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "?";
    }
  }

  private static int[][] ids(ScoredItems[] r) {
    int[][] out = new int[r.length][];
    for (int i = 0; i < r.length; i++) {
      out[i] = r[i].items();
    }
    return out;
  }

  private static double[] append(double[] a, double v) {
    double[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = v;
    return b;
  }

  static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    int n = s.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  static int num(Map<String, Object> spec, String key, int def) {
    Object v = spec.get(key);
    return v == null ? def : ((Number) v).intValue();
  }
}
