package dev.funnel.data.synthetic;

import dev.funnel.data.EventTable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic shop with the structure real interaction logs have, so that the
 * models in the quickstart have something real to find:
 *
 * <ul>
 *   <li>items belong to categories of unequal size and have power-law popularity within the
 *       catalogue (rank^-zipfExponent, ranks shuffled across categories);
 *   <li>each user has latent tastes: 1-3 favourite categories with Dirichlet-like weights, and a
 *       log-normal activity level (a few heavy users, many light ones);
 *   <li>an event follows the user's tastes with probability tasteFocus (choosing an item within a
 *       favourite category by popularity), otherwise the user browses the whole catalogue by
 *       popularity; consecutive events often stay in the previous event's category (sessions);
 *   <li>timestamps: each user arrives at a random time in the window and acts with exponential
 *       gaps; event types view &gt; cart &gt; purchase with values 1, 2, 4.
 * </ul>
 *
 * Everything is a pure function of the config (its seed), so the quickstart's numbers repeat.
 */
public final class SyntheticShop {
  private static final String[] TYPES = {"view", "cart", "purchase"};
  private static final float[] TYPE_VALUES = {1f, 2f, 4f};
  private static final double DAY_MS = 86_400_000d;
  /** 2026-01-01T00:00:00Z: a fixed epoch so files do not change between runs. */
  private static final long START_MS = 1_767_225_600_000L;

  private final SyntheticConfig config;
  private final int[] categoryOf;
  private final String[][] tagsOf;
  /** Per category: its items, and cumulative popularity weights for sampling. */
  private final int[][] categoryItems;
  private final double[][] categoryCumulative;
  private final double[] globalCumulative;

  public SyntheticShop(SyntheticConfig config) {
    this.config = config;
    SplittableRandom rnd = new SplittableRandom(config.seed());
    int n = config.items();
    int c = config.categories();
    // Category sizes: geometric-ish weights so some categories are much larger than others.
    double[] categoryWeight = new double[c];
    for (int k = 0; k < c; k++) {
      categoryWeight[k] = Math.pow(0.9, k) + 0.05;
    }
    double[] categoryCum = cumulative(categoryWeight);
    categoryOf = new int[n];
    for (int i = 0; i < n; i++) {
      categoryOf[i] = i < c ? i : sample(categoryCum, rnd.nextDouble()); // every category non-empty
    }
    // Popularity: a random permutation of Zipf ranks.
    int[] rank = new int[n];
    for (int i = 0; i < n; i++) {
      rank[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = rank[i];
      rank[i] = rank[j];
      rank[j] = t;
    }
    double[] popularity = new double[n];
    for (int i = 0; i < n; i++) {
      popularity[i] = Math.pow(rank[i] + 1, -config.zipfExponent());
    }
    globalCumulative = cumulative(popularity);
    int[] sizes = new int[c];
    for (int i = 0; i < n; i++) {
      sizes[categoryOf[i]]++;
    }
    categoryItems = new int[c][];
    categoryCumulative = new double[c][];
    for (int k = 0; k < c; k++) {
      categoryItems[k] = new int[sizes[k]];
    }
    int[] fill = new int[c];
    for (int i = 0; i < n; i++) {
      categoryItems[categoryOf[i]][fill[categoryOf[i]]++] = i;
    }
    for (int k = 0; k < c; k++) {
      double[] w = new double[sizes[k]];
      for (int m = 0; m < sizes[k]; m++) {
        w[m] = popularity[categoryItems[k][m]];
      }
      categoryCumulative[k] = cumulative(w);
    }
    // Two tags per item from a small per-category pool, so content similarity has signal.
    tagsOf = new String[n][];
    for (int i = 0; i < n; i++) {
      int k = categoryOf[i];
      tagsOf[i] = new String[] {"t" + k + "-" + rnd.nextInt(4), "t" + k + "-" + (4 + rnd.nextInt(4))};
    }
  }

  public SyntheticConfig config() {
    return config;
  }

  public static String userId(int u) {
    return "u" + u;
  }

  public static String itemId(int i) {
    return "i" + i;
  }

  public static String categoryName(int k) {
    return "cat" + k;
  }

  /** The category index of item {@code i}. */
  public int categoryOf(int item) {
    return categoryOf[item];
  }

  /** Generates the events, in time order per user and users in id order. */
  public EventTable events() {
    EventTable table = new EventTable();
    SplittableRandom rnd = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
    int c = config.categories();
    double sigma = 1.0;
    double mu = Math.log(config.meanEventsPerUser()) - sigma * sigma / 2;
    long windowMs = (long) (config.days() * DAY_MS);
    for (int u = 0; u < config.users(); u++) {
      // Tastes: 1-3 favourite categories, weights from Gamma(1) draws (a Dirichlet(1) sample).
      int favourites = 1 + rnd.nextInt(3);
      int[] fav = new int[favourites];
      double[] favWeight = new double[favourites];
      for (int f = 0; f < favourites; f++) {
        fav[f] = rnd.nextInt(c);
        favWeight[f] = -Math.log(1 - rnd.nextDouble());
      }
      double[] favCum = cumulative(favWeight);
      int events = (int) Math.max(3, Math.min(500, Math.round(Math.exp(mu + sigma * gaussian(rnd)))));
      long t = START_MS + (long) (rnd.nextDouble() * windowMs * 0.7);
      double meanGapMs = windowMs * 0.3 / events;
      int lastCategory = -1;
      for (int e = 0; e < events; e++) {
        int item;
        double r = rnd.nextDouble();
        if (lastCategory >= 0 && r < 0.3) {
          item = pick(lastCategory, rnd); // stay in the session's category
        } else if (r < 0.3 + 0.7 * config.tasteFocus()) {
          item = pick(fav[sample(favCum, rnd.nextDouble())], rnd);
        } else {
          item = sample(globalCumulative, rnd.nextDouble());
        }
        lastCategory = categoryOf[item];
        double typeDraw = rnd.nextDouble();
        int type = typeDraw < 0.80 ? 0 : typeDraw < 0.93 ? 1 : 2;
        t += (long) (-Math.log(1 - rnd.nextDouble()) * meanGapMs) + 1;
        table.add(userId(u), itemId(item), t, TYPES[type], TYPE_VALUES[type]);
      }
    }
    return table;
  }

  /** Writes {@code user,item,timestamp,type,value} with a header. */
  public void writeEvents(Path file) throws IOException {
    EventTable t = events();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("user,item,timestamp,type,value\n");
      for (int r = 0; r < t.size(); r++) {
        w.write(t.users().external(t.user(r)));
        w.write(',');
        w.write(t.items().external(t.item(r)));
        w.write(',');
        w.write(Long.toString(t.timestamp(r)));
        w.write(',');
        w.write(t.types().external(t.type(r)));
        w.write(',');
        w.write(Integer.toString((int) t.value(r)));
        w.write('\n');
      }
    }
  }

  /** Writes {@code item,category,tags} with a header; tags separated by '|'. */
  public void writeItems(Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("item,category,tags\n");
      for (int i = 0; i < config.items(); i++) {
        w.write(itemId(i) + "," + categoryName(categoryOf[i]) + "," + String.join("|", tagsOf[i]) + "\n");
      }
    }
  }

  private int pick(int category, SplittableRandom rnd) {
    return categoryItems[category][sample(categoryCumulative[category], rnd.nextDouble())];
  }

  private static double[] cumulative(double[] w) {
    double[] cum = new double[w.length];
    double s = 0;
    for (int k = 0; k < w.length; k++) {
      s += w[k];
      cum[k] = s;
    }
    for (int k = 0; k < w.length; k++) {
      cum[k] /= s;
    }
    return cum;
  }

  /** Index of the first cumulative weight above u, by binary search. */
  private static int sample(double[] cumulative, double u) {
    int pos = Arrays.binarySearch(cumulative, u);
    int idx = pos >= 0 ? pos + 1 : -pos - 1;
    return Math.min(idx, cumulative.length - 1);
  }

  private static double gaussian(SplittableRandom rnd) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u1 = 1 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
