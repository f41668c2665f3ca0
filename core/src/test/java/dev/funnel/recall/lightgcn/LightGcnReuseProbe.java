package dev.funnel.recall.lightgcn;

import dev.funnel.data.Interactions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Not a test: LRU hit rate of the row gathers of one pull Â·X, per node order and cache size (rows). */
final class LightGcnReuseProbe {
  public static void main(String[] args) throws Exception {
    Interactions train = LightGcnProbe.read(Path.of(args[0]).resolve("train.txt"));
    for (String order : new String[] {"orig", "bfs", "rcm", "degree"}) {
      NormalizedGraph g = new NormalizedGraph(LightGcnOrderProbe.relabel(train, order));
      int[] ptr = (int[]) LightGcnKernelProbe.get(g, "ptr");
      int[] adj = (int[]) LightGcnKernelProbe.get(g, "adj");
      StringBuilder sb = new StringBuilder(order);
      for (int cap : new int[] {1000, 3500, 8000}) {
        Map<Integer, Boolean> lru = new LinkedHashMap<>(cap * 2, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> e) {
            return size() > cap;
          }
        };
        long hits = 0;
        for (int r = 0; r < g.numNodes(); r++) {
          for (int p = ptr[r]; p < ptr[r + 1]; p++) {
            if (lru.get(adj[p]) != null) {
              hits++;
            } else {
              lru.put(adj[p], Boolean.TRUE);
            }
          }
        }
        sb.append(String.format(Locale.ROOT, "  cap %d: %.1f%%", cap, 100.0 * hits / adj.length));
      }
      System.out.println(sb);
    }
  }
}
