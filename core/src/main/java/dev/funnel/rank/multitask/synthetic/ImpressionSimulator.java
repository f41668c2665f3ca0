package dev.funnel.rank.multitask.synthetic;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.multitask.MultiTaskBatch;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.loss.Logistic;

/**
 * A seeded impression -> click -> conversion world with known probabilities, for multi-task rankers
 * (no public impression-level conversion data is at hand). Each impression shows an item to a user in
 * a feed position on a device; the fields are user, item, category (the item's), price (the item's
 * price bucket, 0..9), position (0..9) and device (0..2).
 *
 * <p>Users u and items i have hidden taste vectors t_u, s_i (N(0, I) in latentDim dims) and the
 * conversion tastes t'_u = ρ t_u + sqrt(1 - ρ²) t~_u, s'_i likewise (ρ = {@code sharedTaste}), so
 * clicks and conversions share part of the user-item affinity, as purchases share part of what draws
 * the eye. With d = latentDim:
 *
 * <pre>
 *   logit p(click)       = b_c + 1.5 t_u·s_i / sqrt(d) + 0.8 appeal_i - 0.12 position
 *   logit p(conv | click) = b_v + 1.5 t'_u·s'_i / sqrt(d) + 0.8 quality_i - 0.8 sens_u price_i + device_k
 * </pre>
 *
 * appeal_i ~ N(0, 1) drives clicks and quality_i = 0.7 quality_category + 0.7 (ρ appeal_i + sqrt(1 - ρ²)
 * N(0, 1)) drives conversions: an item's look and its worth correlate (ρ) without being the same; sens_u ~ N(1, 0.5²) is the user's price sensitivity and price_i
 * in [-1, 1] the item's price level; device_k = (0, -0.3, +0.3). So conversion depends partly on
 * other features (price, device, quality) than the click. The biases b_c, b_v are solved by bisection
 * so that the mean p(click) over impressions is {@code ctr} and the mean p(conv | click) over clicked
 * impressions is {@code cvr}. Users and items are drawn by Zipf laws (a long tail of rarely shown
 * items, as in any catalogue).
 */
public final class ImpressionSimulator {
  static final int PRICES = 10;
  static final int POSITIONS = 10;
  static final int DEVICES = 3;
  private static final double[] DEVICE_EFFECT = {0, -0.3, 0.3};
  private static final double[] DEVICE_SHARE = {0.6, 0.3, 0.1};

  private final ImpressionSimulatorConfig config;
  private final FieldMap fields;
  private final float[] taste;
  private final float[] itemTaste;
  private final float[] conversionTaste;
  private final float[] itemConversionTaste;
  private final float[] appeal;
  private final float[] quality;
  private final float[] sensitivity;
  private final int[] category;
  private final int[] price;
  private final double[] userCdf;
  private final double[] itemCdf;
  private final double clickBias;
  private final double conversionBias;

  public ImpressionSimulator(ImpressionSimulatorConfig config) {
    this.config = config;
    int users = config.users();
    int items = config.items();
    int d = config.latentDim();
    WorkerRandom rnd = new WorkerRandom(config.seed());
    double rho = config.sharedTaste();
    double ownScale = Math.sqrt(1 - rho * rho);
    taste = gaussian(rnd, users * d);
    conversionTaste = mix(taste, gaussian(rnd, users * d), rho, ownScale);
    itemTaste = gaussian(rnd, items * d);
    itemConversionTaste = mix(itemTaste, gaussian(rnd, items * d), rho, ownScale);
    float[] categoryQuality = gaussian(rnd, config.categories());
    category = new int[items];
    price = new int[items];
    appeal = gaussian(rnd, items);
    quality = new float[items];
    for (int i = 0; i < items; i++) {
      category[i] = rnd.nextInt(config.categories());
      price[i] = rnd.nextInt(PRICES);
      // quality shares ρ of the item's own part with its appeal: items that look good tend to be good
      double own = rho * appeal[i] + Math.sqrt(1 - rho * rho) * rnd.nextGaussian();
      quality[i] = (float) (0.7 * categoryQuality[category[i]] + 0.7 * own);
    }
    sensitivity = new float[users];
    for (int u = 0; u < users; u++) {
      sensitivity[u] = (float) (1 + 0.5 * rnd.nextGaussian());
    }
    userCdf = zipfCdf(users, config.userSkew());
    itemCdf = zipfCdf(items, config.itemSkew());
    fields = FieldMap.parse(String.format("user:0-%d,item:%d-%d,category:%d-%d,price:%d-%d,position:%d-%d,device:%d-%d", users - 1,
        users, users + items - 1, users + items, users + items + config.categories() - 1, users + items + config.categories(),
        users + items + config.categories() + PRICES - 1, users + items + config.categories() + PRICES,
        users + items + config.categories() + PRICES + POSITIONS - 1, users + items + config.categories() + PRICES + POSITIONS,
        users + items + config.categories() + PRICES + POSITIONS + DEVICES - 1));
    // the biases from a pilot of impressions, so the rates hold whatever the other settings
    int pilot = 50_000;
    WorkerRandom p = new WorkerRandom(config.seed() ^ 0x9E3779B97F4A7C15L);
    double[] clickScore = new double[pilot];
    double[] conversionScore = new double[pilot];
    for (int n = 0; n < pilot; n++) {
      int u = draw(userCdf, p);
      int i = draw(itemCdf, p);
      clickScore[n] = clickScore(u, i, p.nextInt(POSITIONS));
      conversionScore[n] = conversionScore(u, i, device(p));
    }
    clickBias = solveBias(clickScore, null, config.ctr());
    double[] clickWeight = new double[pilot];
    for (int n = 0; n < pilot; n++) {
      clickWeight[n] = Logistic.sigmoid(clickBias + clickScore[n]);
    }
    conversionBias = solveBias(conversionScore, clickWeight, config.cvr());
  }

  public ImpressionSimulatorConfig config() {
    return config;
  }

  /** user, item, category, price, position, device. */
  public FieldMap fields() {
    return fields;
  }

  /** {@code n} impressions drawn with {@code seed} (the world stays the config's). */
  public SimulatedImpressions draw(int n, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be positive; n=" + n);
    }
    WorkerRandom rnd = new WorkerRandom(seed);
    int nf = 6;
    int[] ptr = new int[n + 1];
    int[] features = new int[n * nf];
    float[] clicks = new float[n];
    float[] conversions = new float[n];
    float[] pClick = new float[n];
    float[] pConversion = new float[n];
    float[] ifClicked = new float[n];
    int[] groups = new int[n];
    int users = config.users();
    int items = config.items();
    int categories = config.categories();
    for (int r = 0; r < n; r++) {
      int u = draw(userCdf, rnd);
      int i = draw(itemCdf, rnd);
      int position = rnd.nextInt(POSITIONS);
      int device = device(rnd);
      int at = r * nf;
      features[at] = u;
      features[at + 1] = users + i;
      features[at + 2] = users + items + category[i];
      features[at + 3] = users + items + categories + price[i];
      features[at + 4] = users + items + categories + PRICES + position;
      features[at + 5] = users + items + categories + PRICES + POSITIONS + device;
      ptr[r + 1] = at + nf;
      groups[r] = u;
      pClick[r] = (float) Logistic.sigmoid(clickBias + clickScore(u, i, position));
      pConversion[r] = (float) Logistic.sigmoid(conversionBias + conversionScore(u, i, device));
      clicks[r] = rnd.nextDouble() < pClick[r] ? 1f : 0f;
      ifClicked[r] = rnd.nextDouble() < pConversion[r] ? 1f : 0f;
      conversions[r] = clicks[r] * ifClicked[r];
    }
    SampleBatch samples = new SampleBatch(fields, ptr, features, null, clicks, null, groups);
    return new SimulatedImpressions(MultiTaskBatch.clickConversion(samples, conversions), pClick, pConversion, ifClicked);
  }

  private double clickScore(int u, int i, int position) {
    return 1.5 * affinity(taste, itemTaste, u, i) + 0.8 * appeal[i] - 0.12 * position;
  }

  private double conversionScore(int u, int i, int device) {
    double priceLevel = (price[i] - (PRICES - 1) / 2.0) / ((PRICES - 1) / 2.0);
    return 1.5 * affinity(conversionTaste, itemConversionTaste, u, i) + 0.8 * quality[i] - 0.8 * sensitivity[u] * priceLevel
        + DEVICE_EFFECT[device];
  }

  private double affinity(float[] users, float[] items, int u, int i) {
    int d = config.latentDim();
    double dot = 0;
    for (int j = 0; j < d; j++) {
      dot += users[u * d + j] * items[i * d + j];
    }
    return dot / Math.sqrt(d);
  }

  private static int device(WorkerRandom rnd) {
    double x = rnd.nextDouble();
    return x < DEVICE_SHARE[0] ? 0 : x < DEVICE_SHARE[0] + DEVICE_SHARE[1] ? 1 : 2;
  }

  /** The bias b with weighted mean sigmoid(b + score) = target (bisection; the mean rises with b). */
  private static double solveBias(double[] score, double[] weight, double target) {
    double lo = -30;
    double hi = 30;
    for (int it = 0; it < 100; it++) {
      double mid = (lo + hi) / 2;
      double sum = 0;
      double total = 0;
      for (int n = 0; n < score.length; n++) {
        double w = weight == null ? 1 : weight[n];
        sum += w * Logistic.sigmoid(mid + score[n]);
        total += w;
      }
      if (sum / total < target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }

  private static float[] gaussian(WorkerRandom rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextGaussian();
    }
    return a;
  }

  private static float[] mix(float[] shared, float[] own, double rho, double ownScale) {
    float[] out = new float[shared.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (rho * shared[i] + ownScale * own[i]);
    }
    return out;
  }

  /** Cumulative Zipf weights 1/(rank+1)^s over ids in a fixed scrambled order (ids carry no rank). */
  private static double[] zipfCdf(int n, double s) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      // id k's popularity rank: k * step mod n, a bijection for step coprime to n
      sum += Math.pow(rank(k, n) + 1, -s);
      cdf[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cdf[k] /= sum;
    }
    return cdf;
  }

  private static int rank(int id, int n) {
    long step = 7919;
    while (gcd(step, n) != 1) {
      step += 2;
    }
    return (int) ((id * step) % n);
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  private static int draw(double[] cdf, WorkerRandom rnd) {
    double x = rnd.nextDouble();
    int k = java.util.Arrays.binarySearch(cdf, x);
    return Math.min(cdf.length - 1, k >= 0 ? k : -k - 1);
  }
}
