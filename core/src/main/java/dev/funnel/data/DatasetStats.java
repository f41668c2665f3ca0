package dev.funnel.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Summary numbers of a dataset over train and test cells together.
 *
 * @param users size of the user map
 * @param items size of the item map
 * @param interactions train + test cells
 * @param density interactions / (users * items)
 * @param itemGini Gini coefficient of item popularity (cells per item, all items of the map):
 *     {@code G = sum_i (2i - n - 1) x_i / (n sum_i x_i)} with x ascending, i = 1..n; 0 is perfectly
 *     even, near 1 is all on one item
 * @param top1PercentShare share of interactions on the most popular ceil(1%) items
 * @param top10PercentShare share on the most popular ceil(10%) items
 * @param perUser cells per user (all users of the map, zeros included)
 * @param perItem cells per item (all items of the map)
 * @param minTime earliest cell timestamp (epoch ms), or {@link Long#MIN_VALUE} without timestamps
 * @param maxTime latest cell timestamp, or {@link Long#MIN_VALUE}
 */
public record DatasetStats(String name, int users, int items, long trainInteractions, long testInteractions, long interactions,
    double density, double itemGini, double top1PercentShare, double top10PercentShare, Percentiles perUser, Percentiles perItem,
    long minTime, long maxTime) {

  /** Nearest-rank percentiles of a count distribution. */
  public record Percentiles(int min, int p25, int p50, int p75, int p90, int p99, int max, double mean) {
    static Percentiles of(int[] counts) {
      if (counts.length == 0) {
        return new Percentiles(0, 0, 0, 0, 0, 0, 0, 0);
      }
      int[] s = counts.clone();
      Arrays.sort(s);
      long sum = 0;
      for (int c : s) {
        sum += c;
      }
      return new Percentiles(s[0], rank(s, 25), rank(s, 50), rank(s, 75), rank(s, 90), rank(s, 99), s[s.length - 1],
          (double) sum / s.length);
    }

    /** Nearest rank: the ceil(p/100 * n)-th smallest value. */
    static int rank(int[] sorted, int p) {
      int r = (int) Math.ceil(p / 100.0 * sorted.length);
      return sorted[Math.max(0, Math.min(sorted.length - 1, r - 1))];
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "min %d, p25 %d, p50 %d, p75 %d, p90 %d, p99 %d, max %d, mean %.2f", min, p25, p50, p75, p90, p99,
          max, mean);
    }
  }

  public boolean hasTime() {
    return minTime != Long.MIN_VALUE;
  }

  public static DatasetStats of(Dataset d) {
    int nu = d.numUsers();
    int ni = d.numItems();
    int[] perUser = new int[nu];
    int[] perItem = new int[ni];
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    boolean anyTime = false;
    for (Interactions m : new Interactions[] {d.train(), d.test()}) {
      for (int u = 0; u < nu; u++) {
        perUser[u] += m.userDegree(u);
      }
      for (int i = 0; i < ni; i++) {
        perItem[i] += m.itemDegree(i);
      }
      for (long t : m.userTimes()) {
        anyTime |= t != 0;
        min = Math.min(min, t);
        max = Math.max(max, t);
      }
    }
    long nnz = (long) d.train().nnz() + d.test().nnz();
    int[] pop = perItem.clone();
    Arrays.sort(pop);
    double gini = 0;
    if (nnz > 0 && ni > 0) {
      double acc = 0;
      for (int k = 0; k < ni; k++) {
        acc += (2.0 * (k + 1) - ni - 1) * pop[k];
      }
      gini = acc / ((double) ni * nnz);
    }
    return new DatasetStats(d.name(), nu, ni, d.train().nnz(), d.test().nnz(), nnz,
        nu == 0 || ni == 0 ? 0 : nnz / ((double) nu * ni), gini, topShare(pop, nnz, 0.01), topShare(pop, nnz, 0.10),
        Percentiles.of(perUser), Percentiles.of(perItem), anyTime ? min : Long.MIN_VALUE, anyTime ? max : Long.MIN_VALUE);
  }

  /** Share of all cells on the ceil(fraction * n) most popular items; {@code asc} is sorted ascending. */
  static double topShare(int[] asc, long total, double fraction) {
    if (total == 0 || asc.length == 0) {
      return 0;
    }
    int k = (int) Math.ceil(fraction * asc.length);
    long sum = 0;
    for (int j = asc.length - k; j < asc.length; j++) {
      sum += asc[j];
    }
    return (double) sum / total;
  }

  /** (label, value) rows for a text table. */
  public List<String[]> rows() {
    List<String[]> r = new ArrayList<>();
    r.add(new String[] {"dataset", String.valueOf(name)});
    r.add(new String[] {"users", String.format(Locale.ROOT, "%,d", users)});
    r.add(new String[] {"items", String.format(Locale.ROOT, "%,d", items)});
    r.add(new String[] {"interactions", String.format(Locale.ROOT, "%,d (train %,d, test %,d)", interactions, trainInteractions,
        testInteractions)});
    r.add(new String[] {"density", String.format(Locale.ROOT, "%.6f", density)});
    r.add(new String[] {"item popularity Gini", String.format(Locale.ROOT, "%.4f", itemGini)});
    r.add(new String[] {"share on top 1% items", String.format(Locale.ROOT, "%.2f%%", 100 * top1PercentShare)});
    r.add(new String[] {"share on top 10% items", String.format(Locale.ROOT, "%.2f%%", 100 * top10PercentShare)});
    r.add(new String[] {"interactions per user", perUser.toString()});
    r.add(new String[] {"interactions per item", perItem.toString()});
    if (hasTime()) {
      r.add(new String[] {"time range", java.time.Instant.ofEpochMilli(minTime) + " .. " + java.time.Instant.ofEpochMilli(maxTime)});
    }
    return r;
  }

  /** The same numbers keyed for JSON output. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("users", users);
    m.put("items", items);
    m.put("interactions", interactions);
    m.put("trainInteractions", trainInteractions);
    m.put("testInteractions", testInteractions);
    m.put("density", density);
    m.put("itemGini", itemGini);
    m.put("top1PercentShare", top1PercentShare);
    m.put("top10PercentShare", top10PercentShare);
    m.put("perUser", percentileMap(perUser));
    m.put("perItem", percentileMap(perItem));
    if (hasTime()) {
      m.put("minTime", minTime);
      m.put("maxTime", maxTime);
    }
    return m;
  }

  private static Map<String, Object> percentileMap(Percentiles p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("min", p.min());
    m.put("p25", p.p25());
    m.put("p50", p.p50());
    m.put("p75", p.p75());
    m.put("p90", p.p90());
    m.put("p99", p.p99());
    m.put("max", p.max());
    m.put("mean", p.mean());
    return m;
  }
}
