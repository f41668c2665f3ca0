package dev.funnel.recall.lightgcn;

import dev.funnel.data.Interactions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Not a test: full {@code Â·X} products on gowalla (64-float rows, aligned under G1), single thread,
 * thread CPU, best and median over interleaved rounds: "two" (two products one after the other, as the
 * trainer runs them), "fused" (one pass over the adjacency gathering both right-hand sides: the index
 * and weight reads shared), "touch1"/"touch4" (two products, each loading 1 or 4 cache lines of the
 * row {@code -Dahead=8} edges ahead: a software prefetch), "items-two"/"items-fused" (the same on the
 * item rows only), "L2-two"/"L2-fused" (indices folded into 3,000 rows: L2-resident tables), and one
 * product over tables whose rows start 4, 12, 28 or 60 floats into the array ("pad4" .. "pad60": 64-,
 * 128- and 256-byte row alignment under G1, and a misaligned one). Usage:
 * {@code LightGcnTwoRhsProbe DIR [rounds]}. Findings: docs/benchmarks.md, LightGCN fourth pass.
 */
final class LightGcnTwoRhsProbe {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
  static float sink;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "/work/shared/data/gowalla");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int ahead = Integer.getInteger("ahead", 8);
    Interactions train = LightGcnProbe.read(dir.resolve("train.txt"));
    NormalizedGraph g = new NormalizedGraph(train);
    int[] ptr = (int[]) LightGcnKernelProbe.get(g, "ptr");
    int[] adj = (int[]) LightGcnKernelProbe.get(g, "adj");
    float[] w = (float[]) LightGcnKernelProbe.get(g, "weight");
    int n = g.numNodes();
    int pad = 12;
    float[] x1 = table(pad, n, 1);
    float[] x2 = table(pad, n, 2);
    float[] y1 = new float[pad + n * 64];
    float[] y2 = new float[pad + n * 64];
    float[] r1 = new float[y1.length];
    float[] r2 = new float[y1.length];
    LightGcnKernelProbe.cur(ptr, adj, w, x1, pad, r1, pad, n);
    LightGcnKernelProbe.cur(ptr, adj, w, x2, pad, r2, pad, n);
    fused(ptr, adj, w, x1, x2, pad, y1, y2, pad, 0, n);
    System.out.println("fused equal: " + (Arrays.equals(r1, y1) && Arrays.equals(r2, y2)));
    touch(ptr, adj, w, x1, pad, y1, pad, n, ahead, 4);
    System.out.println("touch equal: " + Arrays.equals(r1, y1));
    String[] names = {"two", "fused", "touch1", "touch4", "items-two", "items-fused", "L2-two", "L2-fused", "pad28", "pad60", "pad12", "pad4"};
    float[] x28 = table(28, n, 1);
    float[] x60 = table(60, n, 1);
    float[] x4 = table(4, n, 1);
    int[] small = adj.clone();
    for (int p = 0; p < small.length; p++) {
      small[p] = adj[p] % 3000;
    }
    int nu = g.numUsers();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long[][] t = new long[names.length][rounds];
    for (int rep = -3; rep < rounds; rep++) {
      for (int o = 0; o < names.length; o++) {
        long t0 = mx.getCurrentThreadCpuTime();
        switch (o) {
          case 0 -> {
            fusedOne(ptr, adj, w, x1, pad, y1, pad, 0, n);
            fusedOne(ptr, adj, w, x2, pad, y2, pad, 0, n);
          }
          case 1 -> fused(ptr, adj, w, x1, x2, pad, y1, y2, pad, 0, n);
          case 2 -> {
            touch(ptr, adj, w, x1, pad, y1, pad, n, ahead, 1);
            touch(ptr, adj, w, x2, pad, y2, pad, n, ahead, 1);
          }
          case 3 -> {
            touch(ptr, adj, w, x1, pad, y1, pad, n, ahead, 4);
            touch(ptr, adj, w, x2, pad, y2, pad, n, ahead, 4);
          }
          case 4 -> {
            fusedOne(ptr, adj, w, x1, pad, y1, pad, nu, n);
            fusedOne(ptr, adj, w, x2, pad, y2, pad, nu, n);
          }
          case 5 -> fused(ptr, adj, w, x1, x2, pad, y1, y2, pad, nu, n);
          case 6 -> {
            fusedOne(ptr, small, w, x1, pad, y1, pad, 0, n);
            fusedOne(ptr, small, w, x2, pad, y2, pad, 0, n);
          }
          case 7 -> fused(ptr, small, w, x1, x2, pad, y1, y2, pad, 0, n);
          case 8 -> fusedOne(ptr, adj, w, x28, 28, y1, pad, 0, n);
          case 9 -> fusedOne(ptr, adj, w, x60, 60, y1, pad, 0, n);
          case 10 -> fusedOne(ptr, adj, w, x1, pad, y1, pad, 0, n);
          default -> fusedOne(ptr, adj, w, x4, 4, y1, pad, 0, n);
        }
        long el = mx.getCurrentThreadCpuTime() - t0;
        if (rep >= 0) {
          t[o][rep] = el;
        }
      }
    }
    for (int o = 0; o < names.length; o++) {
      Arrays.sort(t[o]);
      System.out.printf(Locale.ROOT, "%-8s best %.2f ms  median %.2f ms%n", names[o], t[o][0] / 1e6,
          t[o][rounds / 2] / 1e6);
    }
  }

  static float[] table(int pad, int n, long seed) {
    float[] x = new float[pad + n * 64];
    java.util.Random r = new java.util.Random(seed);
    for (int i = pad; i < x.length; i++) {
      x[i] = (float) (0.1 * r.nextGaussian());
    }
    return x;
  }

  static void fused(int[] ptr, int[] adj, float[] w, float[] x1, float[] x2, int xOff, float[] y1, float[] y2, int yOff,
      int from, int to) {
    for (int r = from; r < to; r++) {
      gather2(adj, w, ptr[r], ptr[r + 1], x1, x2, xOff, y1, y2, yOff + r * 64);
    }
  }

  static void fusedOne(int[] ptr, int[] adj, float[] w, float[] x, int xOff, float[] y, int yOff, int from, int to) {
    for (int r = from; r < to; r++) {
      gather1(adj, w, ptr[r], ptr[r + 1], x, xOff, y, yOff + r * 64);
    }
  }

  static void gather1(int[] adj, float[] w, int from, int to, float[] x, int xOff, float[] y, int o) {
    FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
    for (int p = from; p < to; p++) {
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

  static void gather2(int[] adj, float[] w, int from, int to, float[] x1, float[] x2, int xOff, float[] y1, float[] y2,
      int o) {
    FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
    FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
    for (int p = from; p < to; p++) {
      FloatVector wv = FloatVector.broadcast(S, w[p]);
      int b = xOff + adj[p] * 64;
      a0 = FloatVector.fromArray(S, x1, b).fma(wv, a0);
      a1 = FloatVector.fromArray(S, x1, b + 16).fma(wv, a1);
      a2 = FloatVector.fromArray(S, x1, b + 32).fma(wv, a2);
      a3 = FloatVector.fromArray(S, x1, b + 48).fma(wv, a3);
      b0 = FloatVector.fromArray(S, x2, b).fma(wv, b0);
      b1 = FloatVector.fromArray(S, x2, b + 16).fma(wv, b1);
      b2 = FloatVector.fromArray(S, x2, b + 32).fma(wv, b2);
      b3 = FloatVector.fromArray(S, x2, b + 48).fma(wv, b3);
    }
    a0.intoArray(y1, o);
    a1.intoArray(y1, o + 16);
    a2.intoArray(y1, o + 32);
    a3.intoArray(y1, o + 48);
    b0.intoArray(y2, o);
    b1.intoArray(y2, o + 16);
    b2.intoArray(y2, o + 32);
    b3.intoArray(y2, o + 48);
  }

  static void touch(int[] ptr, int[] adj, float[] w, float[] x, int xOff, float[] y, int yOff, int n, int ahead,
      int lines) {
    float s = 0;
    int last = adj.length - 1;
    for (int r = 0; r < n; r++) {
      FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
      for (int p = ptr[r], e = ptr[r + 1]; p < e; p++) {
        int f = xOff + adj[Math.min(p + ahead, last)] * 64;
        if (lines == 1) {
          s += x[f];
        } else {
          s += x[f] + x[f + 16] + x[f + 32] + x[f + 48];
        }
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
    sink += s;
  }
}
