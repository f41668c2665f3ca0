package dev.funnel.bench.data;

import dev.funnel.data.IdMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory and lookup time of {@link IdMap} beside the structure it replaced (a
 * {@code HashMap<String, Integer>} plus an {@code ArrayList<String>}, built the same way), in one
 * run: retained heap after full collections, bytes per id, and the mean {@code get} time over ids
 * made afresh (as request ids are). Ids are {@code i * 7919} in decimal.
 *
 * <pre>
 * java -XX:+UseSerialGC -Xmx2g -cp 'bench/target/funnel-bench.jar:bench/target/lib/*' \
 *   dev.funnel.bench.data.IdMapFootprint 70839 1000000
 * </pre>
 */
public final class IdMapFootprint {
  private IdMapFootprint() {}

  /** The replaced layout, for the side-by-side figure. */
  private static final class BoxedIds {
    final Map<String, Integer> index = new HashMap<>();
    final List<String> externals = new ArrayList<>();

    int getOrAdd(String s) {
      Integer id = index.get(s);
      if (id != null) {
        return id;
      }
      index.put(s, externals.size());
      externals.add(s);
      return externals.size() - 1;
    }

    int get(String s) {
      Integer id = index.get(s);
      return id == null ? -1 : id;
    }
  }

  public static void main(String[] args) {
    for (String arg : args) {
      int n = Integer.parseInt(arg);
      long before = retained();
      BoxedIds boxed = new BoxedIds();
      for (int i = 0; i < n; i++) {
        boxed.getOrAdd(Integer.toString(i * 7919));
      }
      long boxedBytes = retained() - before;
      double boxedGet = meanGetNanos(n, boxed::get);
      boxed = null;
      before = retained();
      IdMap compact = new IdMap();
      for (int i = 0; i < n; i++) {
        compact.getOrAdd(Integer.toString(i * 7919));
      }
      long compactBytes = retained() - before;
      double compactGet = meanGetNanos(n, compact::get);
      System.out.printf(Locale.ROOT, "%,d ids: HashMap+ArrayList %.1f MB (%.1f B/id, get %.0f ns); IdMap %.1f MB (%.1f B/id, get %.0f ns)%n",
          n, boxedBytes / 1e6, boxedBytes / (double) n, boxedGet, compactBytes / 1e6, compactBytes / (double) n, compactGet);
    }
  }

  private static double meanGetNanos(int n, java.util.function.ToIntFunction<String> get) {
    int missing = 0;
    long start = System.nanoTime();
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < n; i++) {
        if (get.applyAsInt(Integer.toString(i * 7919)) < 0) {
          missing++;
        }
      }
    }
    double ns = (System.nanoTime() - start) / (20.0 * n);
    if (missing > 0) {
      throw new IllegalStateException(missing + " lookups found no id");
    }
    return ns;
  }

  private static long retained() {
    Runtime rt = Runtime.getRuntime();
    for (int k = 0; k < 5; k++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
