package dev.funnel.recall.lightgcn;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.train.WorkerRandom;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Not a test: thread CPU time of one full {@code Â·X} on gowalla under several node orders,
 * interleaved, best and median per order. Usage: {@code LightGcnOrderProbe DIR [rounds]}.
 */
final class LightGcnOrderProbe {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "/work/shared/data/gowalla");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Interactions train = LightGcnProbe.read(dir.resolve("train.txt"));
    String[] names = System.getProperty("orders", "orig,bfs,rcm,degree").split(",");
    NormalizedGraph[] graphs = new NormalizedGraph[names.length];
    for (int o = 0; o < names.length; o++) {
      graphs[o] = new NormalizedGraph(relabel(train, names[o]));
    }
    int dim = 64;
    int pad = LightGcnTrainer.PAD;
    int n = graphs[0].numNodes();
    float[] x = new float[pad + n * dim];
    float[] out = new float[pad + n * dim];
    WorkerRandom r = new WorkerRandom(1);
    for (int i = pad; i < x.length; i++) {
      x[i] = (float) (0.1 * r.nextGaussian());
    }
    VectorKernels k = Kernels.get();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long[][] t = new long[names.length][rounds];
    for (int rep = -3; rep < rounds; rep++) {
      for (int o = 0; o < names.length; o++) {
        long t0 = mx.getCurrentThreadCpuTime();
        graphs[o].multiplyRows(x, pad, out, pad, dim, 0, n, k);
        long el = mx.getCurrentThreadCpuTime() - t0;
        if (rep >= 0) {
          t[o][rep] = el;
        }
      }
    }
    for (int o = 0; o < names.length; o++) {
      Arrays.sort(t[o]);
      System.out.printf(Locale.ROOT, "%-8s best %.2f ms  median %.2f ms  (pad %d, %s)%n", names[o], t[o][0] / 1e6,
          t[o][rounds / 2] / 1e6, pad, k.name());
    }
  }

  static Interactions relabel(Interactions t, String order) {
    int nu = t.numUsers();
    int ni = t.numItems();
    int[] seq = switch (order) {
      case "orig" -> null;
      case "bfs" -> bfs(t, false);
      case "rcm" -> bfs(t, true);
      case "degree" -> byDegree(t);
      default -> throw new IllegalArgumentException("order " + order);
    };
    if (seq == null) {
      return t;
    }
    int[] newUser = new int[nu];
    int[] newItem = new int[ni];
    int cu = 0;
    int ci = 0;
    for (int v : seq) {
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

  private static int degree(Interactions t, int v) {
    int nu = t.numUsers();
    return v < nu ? t.userDegree(v) : t.itemDegree(v - nu);
  }

  /** Node sequence by decreasing degree (users and items interleaved doesn't matter: relabelled separately). */
  static int[] byDegree(Interactions t) {
    int n = t.numUsers() + t.numItems();
    Integer[] v = new Integer[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    Arrays.sort(v, (a, b) -> Integer.compare(degree(t, b), degree(t, a)));
    return Arrays.stream(v).mapToInt(Integer::intValue).toArray();
  }

  /** BFS order; with {@code rcm}, Cuthill-McKee (start at a min-degree node, neighbours by degree) reversed. */
  static int[] bfs(Interactions t, boolean rcm) {
    int nu = t.numUsers();
    int n = nu + t.numItems();
    int[] order = new int[n];
    boolean[] seen = new boolean[n];
    int head = 0;
    int tail = 0;
    int[] starts = new int[n];
    for (int i = 0; i < n; i++) {
      starts[i] = i;
    }
    if (rcm) {
      starts = Arrays.stream(byDegree(t)).toArray();
      // increasing degree
      for (int i = 0, j = n - 1; i < j; i++, j--) {
        int s = starts[i];
        starts[i] = starts[j];
        starts[j] = s;
      }
    }
    for (int start : starts) {
      if (seen[start]) {
        continue;
      }
      seen[start] = true;
      order[tail++] = start;
      while (head < tail) {
        int v = order[head++];
        int[] nb = v < nu ? t.itemsOf(v) : t.usersOf(v - nu);
        int[] w = new int[nb.length];
        for (int p = 0; p < nb.length; p++) {
          w[p] = v < nu ? nu + nb[p] : nb[p];
        }
        if (rcm) {
          Integer[] box = Arrays.stream(w).boxed().toArray(Integer[]::new);
          Arrays.sort(box, (a, b) -> Integer.compare(degree(t, a), degree(t, b)));
          w = Arrays.stream(box).mapToInt(Integer::intValue).toArray();
        }
        for (int x : w) {
          if (!seen[x]) {
            seen[x] = true;
            order[tail++] = x;
          }
        }
      }
    }
    if (rcm) {
      for (int i = 0, j = n - 1; i < j; i++, j--) {
        int s = order[i];
        order[i] = order[j];
        order[j] = s;
      }
    }
    return order;
  }
}
