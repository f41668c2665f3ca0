package dev.funnel.recall.lightgcn;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.sample.NegativeSampler;
import dev.funnel.train.sample.UniformItemSampler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: where a LightGCN batch spends its time on a LightGCN-format dataset, in thread CPU time
 * (single thread), so the figures survive a loaded machine. Usage: {@code LightGcnProbe DIR [batches]}.
 */
final class LightGcnProbe {
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "/work/shared/data/gowalla");
    int batches = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Interactions train = read(dir.resolve("train.txt"));
    if (System.getProperty("bfs") != null) {
      train = bfsRelabel(train);
      System.out.println("relabelled users and items in BFS order");
    }
    NormalizedGraph graph = new NormalizedGraph(train);
    int dim = 64;
    float[] ego = new float[graph.numNodes() * dim];
    WorkerRandom r = new WorkerRandom(1);
    for (int x = 0; x < ego.length; x++) {
      ego[x] = (float) (0.1 * r.nextGaussian());
    }
    float[] egoPadded = new float[LightGcnTrainer.EGO_OFFSET + ego.length]; // as LightGcn.fit lays it out
    System.arraycopy(ego, 0, egoPadded, LightGcnTrainer.EGO_OFFSET, ego.length);
    if (System.getProperty("spmm") != null) {
      // Thread CPU time of one full Â·X (single thread), best and median of 30: the best is the
      // nearest to an idle machine (least cache contention) that a shared one gives.
      ThreadMXBean threadTime = ManagementFactory.getThreadMXBean();
      float[] out = new float[ego.length];
      VectorKernels kk = Kernels.get();
      long[] t = new long[30];
      for (int rep = -5; rep < t.length; rep++) {
        long t0 = threadTime.getCurrentThreadCpuTime();
        graph.multiplyRows(ego, out, dim, 0, graph.numNodes(), kk);
        if (rep >= 0) {
          t[rep] = threadTime.getCurrentThreadCpuTime() - t0;
        }
      }
      Arrays.sort(t);
      System.out.printf(Locale.ROOT, "one full SpMM, thread CPU (%d edges x %d floats, %s): best %.1f ms, median %.1f ms (%.1f ns/edge best)%n",
          graph.nnz(), dim, kk.name(), t[0] / 1e6, t[t.length / 2] / 1e6, t[0] / (double) graph.nnz());
      return;
    }
    int b = Integer.getInteger("batch", 2048);
    int[] us = new int[b];
    int[] is = new int[b];
    int[] js = new int[b];
    NegativeSampler sampler = new NegativeSampler(new UniformItemSampler(train.numItems()), train, 64);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    VectorKernels simd = Kernels.get();
    VectorKernels axpyGather = new VectorKernels() { // the interface's default gatherRows: axpy per row
      public String name() { return simd.name() + "+axpy-gather"; }
      public float dot(float[] a, int ao, float[] b, int bo, int n) { return simd.dot(a, ao, b, bo, n); }
      public void axpy(float al, float[] x, int xo, float[] y, int yo, int n) { simd.axpy(al, x, xo, y, yo, n); }
      public void scale(float al, float[] x, int o, int n) { simd.scale(al, x, o, n); }
      public float sumOfSquares(float[] x, int o, int n) { return simd.sumOfSquares(x, o, n); }
      public float squaredDistance(float[] a, int ao, float[] b, int bo, int n) { return simd.squaredDistance(a, ao, b, bo, n); }
      public void dotRows(float[] q, int qo, float[] m, int mo, int rows, int d, float[] out, int oo) { simd.dotRows(q, qo, m, mo, rows, d, out, oo); }
      public void gemm(float[] a, int ao, int m, float[] b, int bo, int n, int kk, float[] c, int co, int ldc) { simd.gemm(a, ao, m, b, bo, n, kk, c, co, ldc); }
      public void adagradStep(float al, float[] x, int xo, float dc, float[] w, int wo, float[] acc, int ao, float lr, float eps, int n) {
        simd.adagradStep(al, x, xo, dc, w, wo, acc, ao, lr, eps, n);
      }
    };
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    for (int round = 0; round < 4; round++) {
      VectorKernels kern = round % 2 == 0 || System.getProperty("axpy") == null ? simd : axpyGather;
      try (RowPool pool = new RowPool(threads)) {
      LightGcnTrainer t = new LightGcnTrainer(graph, dim, 3, 1e-4, 0.001, egoPadded, LightGcnTrainer.EGO_OFFSET, pool, kern);
      t.clock = mx::getCurrentThreadCpuTime;
      {
        long wall0 = System.nanoTime();
        double cpu0 = processCpuSeconds();
        Arrays.fill(t.phaseNanos, 0);
        Arrays.fill(t.activeRows, 0);
        for (int n = 0; n < batches; n++) {
          for (int x = 0; x < b; x++) {
            int u;
            do {
              u = r.nextInt(train.numUsers());
            } while (train.userDegree(u) == 0);
            us[x] = u;
            int[] items = train.itemsOf(u);
            is[x] = items[r.nextInt(items.length)];
            js[x] = sampler.sample(u, r);
          }
          t.step(us, is, js, 0, b);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "round %d (%s, %d batches, nnz %d): ms/batch", round,
            Kernels.get().name(), batches, graph.nnz()));
        long total = 0;
        for (int p = 0; p < LightGcnTrainer.PHASES.length; p++) {
          sb.append(String.format(Locale.ROOT, " %s %.1f", LightGcnTrainer.PHASES[p], t.phaseNanos[p] / 1e6 / batches));
          total += t.phaseNanos[p];
        }
        sb.append(String.format(Locale.ROOT, " | total %.1f ms/batch -> %.1f s/epoch single-thread CPU | active rows per hop",
            total / 1e6 / batches, total / 1e9 / batches * Math.ceil(train.nnz() / (double) b)));
        for (long a : t.activeRows) {
          sb.append(' ').append(a / batches);
        }
        sb.append(String.format(Locale.ROOT, " | wall %.1f ms/batch, process cpu %.1f ms/batch, %d threads", (System.nanoTime() - wall0) / 1e6 / batches,
            (processCpuSeconds() - cpu0) * 1e3 / batches, threads));
        System.out.println(sb);
      }
      }
    }
  }

  /** Users and items renumbered in breadth-first order of the bipartite graph (locality experiment). */
  static Interactions bfsRelabel(Interactions t) {
    int nu = t.numUsers();
    int ni = t.numItems();
    int n = nu + ni;
    int[] order = new int[n];
    boolean[] seen = new boolean[n];
    int head = 0;
    int tail = 0;
    for (int start = 0; start < n; start++) {
      if (seen[start]) {
        continue;
      }
      seen[start] = true;
      order[tail++] = start;
      while (head < tail) {
        int v = order[head++];
        int[] nb = v < nu ? t.itemsOf(v) : t.usersOf(v - nu);
        for (int x : nb) {
          int w = v < nu ? nu + x : x;
          if (!seen[w]) {
            seen[w] = true;
            order[tail++] = w;
          }
        }
      }
    }
    int[] newUser = new int[nu];
    int[] newItem = new int[ni];
    int cu = 0;
    int ci = 0;
    for (int v : order) {
      if (v < nu) {
        newUser[v] = cu++;
      } else {
        newItem[v - nu] = ci++;
      }
    }
    int[][] rows = new int[nu][];
    for (int u = 0; u < nu; u++) {
      int[] items = t.itemsOf(u).clone();
      for (int p = 0; p < items.length; p++) {
        items[p] = newItem[items[p]];
      }
      Arrays.sort(items);
      rows[newUser[u]] = items;
    }
    int[] ptr = new int[nu + 1];
    for (int u = 0; u < nu; u++) {
      ptr[u + 1] = ptr[u] + rows[u].length;
    }
    int[] items = new int[ptr[nu]];
    for (int u = 0; u < nu; u++) {
      System.arraycopy(rows[u], 0, items, ptr[u], rows[u].length);
    }
    return new Interactions(nu, ni, ptr, items, new float[items.length], new long[items.length]);
  }

  static double processCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  static Interactions read(Path file) throws IOException {
    List<int[]> rows = new ArrayList<>();
    int maxItem = -1;
    for (String line : Files.readAllLines(file)) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 0 || parts[0].isEmpty()) {
        continue;
      }
      int u = Integer.parseInt(parts[0]);
      while (rows.size() <= u) {
        rows.add(new int[0]);
      }
      int[] items = new int[parts.length - 1];
      for (int p = 1; p < parts.length; p++) {
        items[p - 1] = Integer.parseInt(parts[p]);
        maxItem = Math.max(maxItem, items[p - 1]);
      }
      Arrays.sort(items);
      rows.set(u, Arrays.stream(items).distinct().toArray());
    }
    int[] ptr = new int[rows.size() + 1];
    for (int u = 0; u < rows.size(); u++) {
      ptr[u + 1] = ptr[u] + rows.get(u).length;
    }
    int[] items = new int[ptr[rows.size()]];
    for (int u = 0; u < rows.size(); u++) {
      System.arraycopy(rows.get(u), 0, items, ptr[u], rows.get(u).length);
    }
    return new Interactions(rows.size(), maxItem + 1, ptr, items, new float[items.length], new long[items.length]);
  }
}
