package dev.funnel.pipeline.offline;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.store.catalog.ItemRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Beyond-accuracy metrics of ranked lists (see {@link FunnelEvaluation}): intra-list diversity over
 * categories, category coverage and novelty; users with a null list are not counted.
 */
final class BeyondAccuracy {
  private BeyondAccuracy() {}

  static void add(Map<String, Double> metrics, int[][] lists, Interactions train, IdMap items, Map<String, ItemRecord> catalogue, int k) {
    int nu = train.numUsers();
    double log2 = Math.log(2);
    double noveltySum = 0;
    int noveltyUsers = 0;
    double ildSum = 0;
    int ildUsers = 0;
    Set<String> used = new HashSet<>();
    Set<String> all = new HashSet<>();
    catalogue.values().forEach(r -> all.addAll(r.categories()));
    boolean categorised = !all.isEmpty();
    for (int[] list : lists) {
      if (list == null || list.length == 0) {
        continue;
      }
      int n = Math.min(k, list.length);
      double nov = 0;
      for (int r = 0; r < n; r++) {
        nov += -Math.log(Math.max(1, train.itemDegree(list[r])) / (double) nu) / log2;
      }
      noveltySum += nov / n;
      noveltyUsers++;
      if (!categorised) {
        continue;
      }
      List<String>[] cats = categories(list, n, items, catalogue);
      for (List<String> c : cats) {
        used.addAll(c);
      }
      if (n < 2) {
        continue;
      }
      double dist = 0;
      for (int a = 0; a < n; a++) {
        for (int b = a + 1; b < n; b++) {
          dist += 1.0 - jaccard(cats[a], cats[b]);
        }
      }
      ildSum += dist / (n * (n - 1) / 2.0);
      ildUsers++;
    }
    if (categorised) {
      metrics.put("diversity@" + k, ildUsers == 0 ? 0.0 : ildSum / ildUsers);
      metrics.put("category_coverage@" + k, (double) used.size() / all.size());
    }
    metrics.put("novelty@" + k, noveltyUsers == 0 ? 0.0 : noveltySum / noveltyUsers);
  }

  @SuppressWarnings("unchecked")
  private static List<String>[] categories(int[] list, int n, IdMap items, Map<String, ItemRecord> catalogue) {
    List<String>[] out = new List[n];
    for (int r = 0; r < n; r++) {
      ItemRecord rec = catalogue.get(items.external(list[r]));
      out[r] = rec == null ? List.of() : rec.categories();
    }
    return out;
  }

  /** |A ∩ B| / |A ∪ B|, 0 when both are empty. */
  static double jaccard(List<String> a, List<String> b) {
    if (a.isEmpty() && b.isEmpty()) {
      return 0.0;
    }
    int inter = 0;
    for (String x : a) {
      if (b.contains(x)) {
        inter++;
      }
    }
    return (double) inter / (a.size() + b.size() - inter);
  }
}
