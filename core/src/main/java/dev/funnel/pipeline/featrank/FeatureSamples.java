package dev.funnel.pipeline.featrank;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.store.catalog.ItemRecord;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Training rows for a {@link FeatureRanker}, written by the same {@link FeatureColumns} the rank stage
 * uses at serving, from the same sources it reads then: the training interactions (what the scene's
 * online state replays), the catalogue built from the dataset and the users' profiles. So a (user,
 * item, history, time) gives the same row in training and in serving.
 *
 * <p>Implicit feedback, as the funnel serves it: every training interaction (u, i, t) is a positive,
 * and {@code negatives} items u never interacted with in training are negatives sharing its user side,
 * drawn uniformly or, with {@code popularNegatives}, in proportion to their training degree (closer to
 * what a funnel's recall channels propose, which are mostly popular items: a ranker must tell those
 * apart, not popular from obscure). The behaviour sequence of a row at t is u's items with a timestamp
 * strictly before t, oldest first (the newest {@code max_length} kept by {@link FeatureColumns}): at
 * serving the online state holds exactly the user's earlier events. Untimed data has no order: the
 * sequence is then empty. Rows whose t falls in the newest {@code validationFraction} of the training
 * events by time (by a seeded draw when untimed) form the validation part for early stopping.
 */
public final class FeatureSamples {
  /** Receives each row (label first, in {@link FeatureColumns#header()} order). */
  public interface Sink {
    void row(boolean validation, String[] cells) throws IOException;
  }

  private FeatureSamples() {}

  /**
   * Builds every row.
   *
   * @param catalogue item id -&gt; record (missing items: empty item cells)
   * @param userAttributes user id -&gt; attributes (may return null)
   * @param negatives negatives per positive, &gt;= 0
   * @param popularNegatives draw negatives in proportion to training degree instead of uniformly
   * @param validationFraction share of the newest training events for validation, in [0, 1)
   */
  public static void build(Interactions train, IdMap users, IdMap items, Map<String, ItemRecord> catalogue,
      Function<String, Map<String, Object>> userAttributes, FeatureColumns columns, int negatives, boolean popularNegatives, double validationFraction, long seed,
      Sink sink) throws IOException {
    if (negatives < 0) {
      throw new IllegalArgumentException("negatives must be >= 0; negatives=" + negatives);
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("validationFraction must be in [0, 1); validationFraction=" + validationFraction);
    }
    int[] ptr = train.userPtr();
    int[] it = train.userItems();
    long[] times = train.userTimes();
    boolean timed = times != null && times.length == it.length;
    long validationFrom = Long.MAX_VALUE;
    if (timed && validationFraction > 0 && it.length > 0) {
      long[] sorted = times.clone();
      Arrays.sort(sorted);
      validationFrom = sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * (1 - validationFraction)))];
    }
    SplittableRandom random = new SplittableRandom(seed);
    int numItems = train.numItems();
    int keep = columns.historyLength();
    long[] cumulative = new long[numItems]; // training degree, cumulated: item j with probability deg(j) / nnz
    for (int j = 0; j < numItems; j++) {
      cumulative[j] = (j == 0 ? 0 : cumulative[j - 1]) + train.itemDegree(j);
    }
    boolean byDegree = popularNegatives && numItems > 0 && cumulative[numItems - 1] > 0;
    for (int u = 0; u < train.numUsers(); u++) {
      int from = ptr[u];
      int to = ptr[u + 1];
      if (from == to) {
        continue;
      }
      Integer[] order = new Integer[to - from]; // the user's events by time (stable)
      for (int p = from; p < to; p++) {
        order[p - from] = p;
      }
      if (timed) {
        Arrays.sort(order, (a, b) -> Long.compare(times[a], times[b]));
      }
      String user = users.external(u);
      Map<String, Object> attributes = userAttributes == null ? null : userAttributes.apply(user);
      int earlier = 0; // events of order[0 .. earlier) are strictly before the current one
      for (int q = 0; q < order.length; q++) {
        int p = order[q];
        long t = timed ? times[p] : 0L;
        while (timed && earlier < q && times[order[earlier]] < t) {
          earlier++;
        }
        List<String> history = new ArrayList<>();
        if (timed && keep > 0) {
          for (int e = Math.max(0, earlier - keep); e < earlier; e++) {
            history.add(items.external(it[order[e]]));
          }
        }
        boolean validation = timed ? t >= validationFrom : random.nextDouble() < validationFraction;
        String[] base = columns.userCells(user, attributes, history, t);
        String[] row = base.clone();
        String item = items.external(it[p]);
        columns.itemCells(row, item, catalogue.get(item));
        columns.label(row, true);
        sink.row(validation, row);
        for (int n = 0; n < negatives && to - from < numItems; n++) {
          int j;
          do {
            j = byDegree ? firstAbove(cumulative, random.nextLong(cumulative[numItems - 1])) : random.nextInt(numItems);
          } while (train.contains(u, j));
          row = base.clone();
          String neg = items.external(j);
          columns.itemCells(row, neg, catalogue.get(neg));
          columns.label(row, false);
          sink.row(validation, row);
        }
      }
    }
  }

  /** The first index whose cumulative value exceeds {@code x}. */
  private static int firstAbove(long[] cumulative, long x) {
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** A CSV line of {@code cells} with the schema's delimiter (cells hold no delimiter or quote: {@link FeatureColumns} replaced them). */
  public static void writeCsv(Writer out, String[] cells, char delimiter) throws IOException {
    for (int c = 0; c < cells.length; c++) {
      if (c > 0) {
        out.write(delimiter);
      }
      out.write(cells[c]);
    }
    out.write('\n');
  }
}
