package dev.funnel.recall.lightgcn;

import dev.funnel.data.Interactions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Not a test: one full {@code Â·X} on gowalla (64-float rows, aligned under G1), thread CPU, best and
 * median, interleaved: "pull" (the SIMD gather as the trainer runs it), "pull-L2" (the same edges with
 * every source row folded into the first 3,000 rows: an L2-resident table, the memory-free bound),
 * "blocked" (edges grouped by source block of {@code -Dblock=3000} rows so each block stays in L2,
 * partial sums loaded and stored per row segment: same bits), per row chunk of 8,192, and half blocks.
 * {@code -Dorder=orig|bfs|rcm|degree} renumbers the graph first. Usage: {@code LightGcnKernelProbe DIR [rounds]}.
 */
final class LightGcnKernelProbe {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_512;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "/work/shared/data/gowalla");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Interactions train = LightGcnProbe.read(dir.resolve("train.txt"));
    NormalizedGraph g = new NormalizedGraph(LightGcnOrderProbe.relabel(train, System.getProperty("order", "orig")));
    int[] ptr = (int[]) get(g, "ptr");
    int[] adj = (int[]) get(g, "adj");
    float[] w = (float[]) get(g, "weight");
    int n = g.numNodes();
    int[] small = adj.clone();
    for (int p = 0; p < small.length; p++) {
      small[p] = adj[p] % 3000; // table window of 3000 rows = 768 KB: L2-resident
    }
    int dim = 64;
    int pad = 12;
    float[] x = new float[pad + n * dim];
    float[] out = new float[pad + n * dim];
    java.util.Random r = new java.util.Random(1);
    for (int i = pad; i < x.length; i++) {
      x[i] = (float) (0.1 * r.nextGaussian());
    }
    String[] names = {"pull", "pull-L2", "blocked", "blocked-chunk", "blocked-half"};
    int bs = Integer.getInteger("block", 3000);
    int[][] seg = segments(ptr, adj, n, n, bs);
    int[][] segChunk = segments(ptr, adj, n, 8192, bs);
    int[][] segSmall = segments(ptr, adj, n, n, bs / 2);
    System.out.printf("segments %d (block %d), chunked %d, small %d; edges %d%n", seg[0].length, bs, segChunk[0].length, segSmall[0].length, adj.length);
    float[] ref = new float[out.length];
    cur(ptr, adj, w, x, pad, ref, pad, n);
    blocked(seg, ptr, adj, w, x, pad, out, pad);
    System.out.println("blocked equal: " + Arrays.equals(ref, out));
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long[][] t = new long[names.length][rounds];
    for (int rep = -3; rep < rounds; rep++) {
      for (int o = 0; o < names.length; o++) {
        long t0 = mx.getCurrentThreadCpuTime();
        switch (o) {
          case 0 -> cur(ptr, adj, w, x, pad, out, pad, n);
          case 1 -> cur(ptr, small, w, x, pad, out, pad, n);
          case 2 -> blocked(seg, ptr, adj, w, x, pad, out, pad);
          case 3 -> blocked(segChunk, ptr, adj, w, x, pad, out, pad);
          default -> blocked(segSmall, ptr, adj, w, x, pad, out, pad);
        }
        long el = mx.getCurrentThreadCpuTime() - t0;
        if (rep >= 0) {
          t[o][rep] = el;
        }
      }
    }
    for (int o = 0; o < names.length; o++) {
      Arrays.sort(t[o]);
      System.out.printf(Locale.ROOT, "%-10s best %.2f ms  median %.2f ms%n", names[o], t[o][0] / 1e6, t[o][rounds / 2] / 1e6);
    }
  }

  static Object get(Object o, String f) throws Exception {
    Field fl = o.getClass().getDeclaredField(f);
    fl.setAccessible(true);
    return fl.get(o);
  }

  static void cur(int[] ptr, int[] adj, float[] w, float[] x, int xOff, float[] y, int yOff, int n) {
    for (int r = 0; r < n; r++) {
      FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
      for (int p = ptr[r], e = ptr[r + 1]; p < e; p++) {
        FloatVector wv = FloatVector.broadcast(S, w[p]);
        int b = xOff + adj[p] * 64;
        a0 = FloatVector.fromArray(S, x, b).fma(wv, a0);
        a1 = FloatVector.fromArray(S, x, b + 16).fma(wv, a1);
        a2 = FloatVector.fromArray(S, x, b + 32).fma(wv, a2);
        a3 = FloatVector.fromArray(S, x, b + 48).fma(wv, a3);
      }
      int o = yOff + r * 64;
      a0.intoArray(y, o);
      a1.intoArray(y, o + 16);
      a2.intoArray(y, o + 32);
      a3.intoArray(y, o + 48);
    }
  }

  /** Segments (row, start, end) of edges grouped by row chunk, then source block, then row. */
  static int[][] segments(int[] ptr, int[] adj, int n, int chunk, int bs) {
    java.util.List<int[]> out = new java.util.ArrayList<>();
    int[] cursor = new int[n];
    for (int a = 0; a < n; a += chunk) {
      int b = Math.min(n, a + chunk);
      for (int r = a; r < b; r++) {
        cursor[r] = ptr[r];
      }
      for (int lo = 0; lo < n; lo += bs) {
        int hi = lo + bs;
        for (int r = a; r < b; r++) {
          int p = cursor[r];
          int e = ptr[r + 1];
          int q = p;
          while (q < e && adj[q] < hi) {
            q++;
          }
          if (q > p) {
            out.add(new int[] {r, p, q});
            cursor[r] = q;
          }
        }
      }
    }
    int[][] s = new int[3][out.size()];
    for (int i = 0; i < out.size(); i++) {
      s[0][i] = out.get(i)[0];
      s[1][i] = out.get(i)[1];
      s[2][i] = out.get(i)[2];
    }
    return s;
  }

  static void blocked(int[][] seg, int[] ptr, int[] adj, float[] w, float[] x, int xOff, float[] y, int yOff) {
    int[] rows = seg[0];
    int[] st = seg[1];
    int[] en = seg[2];
    for (int s = 0; s < rows.length; s++) {
      int r = rows[s];
      int o = yOff + r * 64;
      FloatVector a0, a1, a2, a3;
      int p = st[s];
      if (p == ptr[r]) {
        a0 = FloatVector.zero(S); a1 = FloatVector.zero(S); a2 = FloatVector.zero(S); a3 = FloatVector.zero(S);
      } else {
        a0 = FloatVector.fromArray(S, y, o); a1 = FloatVector.fromArray(S, y, o + 16);
        a2 = FloatVector.fromArray(S, y, o + 32); a3 = FloatVector.fromArray(S, y, o + 48);
      }
      for (int e = en[s]; p < e; p++) {
        FloatVector wv = FloatVector.broadcast(S, w[p]);
        int b = xOff + adj[p] * 64;
        a0 = FloatVector.fromArray(S, x, b).fma(wv, a0);
        a1 = FloatVector.fromArray(S, x, b + 16).fma(wv, a1);
        a2 = FloatVector.fromArray(S, x, b + 32).fma(wv, a2);
        a3 = FloatVector.fromArray(S, x, b + 48).fma(wv, a3);
      }
      a0.intoArray(y, o);
      a1.intoArray(y, o + 16);
      a2.intoArray(y, o + 32);
      a3.intoArray(y, o + 48);
    }
  }
}
