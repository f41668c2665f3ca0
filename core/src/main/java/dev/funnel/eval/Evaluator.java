package dev.funnel.eval;

import dev.funnel.data.Interactions;
import dev.funnel.recall.RecallModel;
import dev.funnel.util.Mix;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;
import dev.funnel.util.TopK;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Offline top-K evaluation of a {@link RecallModel} against held-out test interactions.
 *
 * <p><b>Full sort</b> ({@link #fullSort}) is the protocol of the LightGCN reference code and BARS:
 * every item is ranked for every user with test items, the user's training items are excluded
 * (their score becomes negative infinity before selection), and the metrics of {@link Metric} are
 * averaged over those users. Users with no test item are skipped and counted; users with test
 * items but no training item are evaluated on the model's scores as they are. Items the model
 * scores negative infinity or NaN ("cannot recommend") never enter a list, so a list may be shorter
 * than K; precision still divides by K. Equal scores are ordered by the smaller item id ({@link
 * TopK}), so results are deterministic (the reference code leaves tie order to {@code torch.topk}).
 *
 * <p><b>Sampled</b> ({@link #sampled}) is the NCF / SASRec protocol: each held-out item is ranked
 * against N negatives drawn uniformly, without replacement, from the items the user has in neither
 * train nor test. Leave-one-out splits have one held-out item per user; a user with several is
 * ranked once per item and the user's values are the mean over them, so every user weighs the
 * same. Sampled numbers are much higher than full-sort ones and the two must not be compared
 * (Krichene and Rendle, "On Sampled Metrics for Item Recommendation", KDD 2020).
 *
 * <p>Cost per user: its row of one {@link RecallModel#scoreUsers} call per block of users (a factor
 * model's is one GEMM, which reads the item table once per block instead of once per user) in a
 * per-thread buffer, masking by writing negative infinity at the training items' positions, one
 * top-Kmax selection, then every metric and every K from that one list. Results do not depend on the
 * thread count: per-user values are summed in user order within fixed chunks of {@value #CHUNK}
 * users and the chunk sums are added in chunk order.
 */
public final class Evaluator {
  /** Users per work unit; fixed (not derived from the thread count) so sums are reproducible. */
  static final int CHUNK = 64;

  /** Floats of one worker's block of scores: 16 MB, so a block is 64 users at 65k items, 4 at 1M. */
  private static final int BLOCK_FLOATS = 1 << 22;

  /** Per-user values per K in full sort: the metrics of {@link Metric} except coverage. */
  private static final int FULL_VALUES = 7;

  /** Per-user values per K in the sampled protocol: hitrate, ndcg, mrr. */
  private static final int SAMPLED_VALUES = 3;

  private Evaluator() {}

  /**
   * Full-ranking evaluation over all items with each user's training items excluded.
   *
   * @param ks cutoffs (any order, duplicates ignored), each &gt;= 1
   * @param threads worker threads, &gt;= 1
   * @return metrics keyed as in {@link EvalResult}, protocol {@code "full-sort"}
   */
  public static EvalResult fullSort(RecallModel model, Interactions train, Interactions test, int[] ks, int threads, Progress progress) {
    long start = System.nanoTime();
    checkShapes(model, train, test, threads);
    int[] cutoffs = normaliseCutoffs(ks);
    Progress sink = progress == null ? Progress.NONE : progress;
    int numUsers = test.numUsers();
    int numItems = train.numItems();
    int numK = cutoffs.length;
    int listLength = Math.min(cutoffs[numK - 1], numItems);
    int valuesPerChunk = FULL_VALUES * numK;
    int chunks = (numUsers + CHUNK - 1) / CHUNK;
    double[] chunkSums = new double[chunks * valuesPerChunk];
    int[] chunkUsers = new int[chunks];
    // discount[r] = 1/log2(r+2) for 0-based rank r; idcg[m] = Σ_{r<m} discount[r].
    double[] discount = new double[listLength];
    double[] idcg = new double[listLength + 1];
    for (int r = 0; r < idcg.length - 1; r++) {
      double d = 1.0 / log2(r + 2);
      if (r < listLength) {
        discount[r] = d;
      }
      idcg[r + 1] = idcg[r] + d;
    }
    int[] degree = new int[numItems];
    int[] itemPtr = train.itemPtr();
    for (int i = 0; i < numItems; i++) {
      degree[i] = itemPtr[i + 1] - itemPtr[i];
    }
    FullSortScratch[] scratch = new FullSortScratch[Math.max(1, threads)];
    sink.start("evaluate", numUsers);
    Parallel.forRange(numUsers, threads, CHUNK, (worker, from, to) -> {
      FullSortScratch s = scratch[worker];
      if (s == null) {
        s = new FullSortScratch(numItems, listLength);
        scratch[worker] = s;
      }
      int chunk = from / CHUNK;
      int evaluated = 0;
      for (int b = from; b < to; b += s.blockUsers) {
        int bEnd = Math.min(to, b + s.blockUsers);
        model.scoreUsers(b, bEnd, s.block);
        for (int u = b; u < bEnd; u++) {
          if (test.userDegree(u) == 0) {
            continue;
          }
          evaluated++;
          rankUser(train, test, u, s.block, (u - b) * numItems, s, cutoffs, discount, idcg, degree, chunkSums,
              chunk * valuesPerChunk);
        }
      }
      chunkUsers[chunk] = evaluated;
      sink.advance(to - from);
    });

    double[] total = new double[valuesPerChunk];
    int evaluated = 0;
    for (int c = 0; c < chunks; c++) {
      evaluated += chunkUsers[c];
      for (int v = 0; v < valuesPerChunk; v++) {
        total[v] += chunkSums[c * valuesPerChunk + v];
      }
    }
    // Coverage: an item is in the union of top-K lists iff its best rank over all users is < K.
    int[] bestRank = null;
    for (FullSortScratch s : scratch) {
      if (s == null) {
        continue;
      }
      if (bestRank == null) {
        bestRank = s.bestRank;
      } else {
        for (int i = 0; i < numItems; i++) {
          bestRank[i] = Math.min(bestRank[i], s.bestRank[i]);
        }
      }
    }
    long[] covered = new long[numK];
    if (bestRank != null) {
      for (int i = 0; i < numItems; i++) {
        for (int j = 0; j < numK; j++) {
          if (bestRank[i] < cutoffs[j]) {
            covered[j]++;
          }
        }
      }
    }

    Map<String, Double> metrics = new LinkedHashMap<>();
    double users = Math.max(1, evaluated);
    for (int j = 0; j < numK; j++) {
      int k = cutoffs[j];
      int b = j * FULL_VALUES;
      metrics.put(Metric.RECALL.key(k), total[b] / users);
      metrics.put(Metric.NDCG.key(k), total[b + 1] / users);
      metrics.put(Metric.PRECISION.key(k), total[b + 2] / users);
      metrics.put(Metric.HITRATE.key(k), total[b + 3] / users);
      metrics.put(Metric.MRR.key(k), total[b + 4] / users);
      metrics.put(Metric.MAP.key(k), total[b + 5] / users);
      metrics.put(Metric.COVERAGE.key(k), numItems == 0 ? 0.0 : (double) covered[j] / numItems);
      metrics.put(Metric.POPULARITY.key(k), total[b + 6] / users);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    EvalResult result = new EvalResult("full-sort", metrics, evaluated, numUsers - evaluated, seconds);
    sink.finish(summary(result, cutoffs, "recall", "ndcg"));
    return result;
  }

  /**
   * Sampled evaluation: each test item of a user against {@code negatives} items drawn uniformly
   * without replacement from the items the user has in neither train nor test (all of them when
   * fewer remain).
   *
   * <p>Rank = 1 + the number of sampled negatives whose score is not below the positive's: ties
   * count against the model (the pessimistic convention), and a NaN positive ranks last.
   * HitRate@K = [rank &lt;= K]; NDCG@K = 1/log2(rank+1) if rank &lt;= K else 0 (one relevant item,
   * so IDCG = 1); MRR@K = 1/rank if rank &lt;= K else 0; MRR = 1/rank.
   *
   * <p>Negatives for user u come from a generator seeded with (seed, u), drawn in ascending order of
   * the user's test items, so results depend on neither thread count nor scheduling.
   *
   * @param negatives sampled negatives per held-out item, &gt;= 1 (100 is the usual choice)
   * @return protocol {@code "sampled-<negatives>"}, keys as in {@link EvalResult}
   */
  public static EvalResult sampled(RecallModel model, Interactions train, Interactions test, int[] ks, int negatives, long seed, int threads, Progress progress) {
    long start = System.nanoTime();
    checkShapes(model, train, test, threads);
    if (negatives < 1) {
      throw new IllegalArgumentException("negatives must be >= 1; negatives=" + negatives);
    }
    int[] cutoffs = normaliseCutoffs(ks);
    Progress sink = progress == null ? Progress.NONE : progress;
    int numUsers = test.numUsers();
    int numItems = train.numItems();
    int numK = cutoffs.length;
    int valuesPerChunk = SAMPLED_VALUES * numK + 1;
    int chunks = (numUsers + CHUNK - 1) / CHUNK;
    double[] chunkSums = new double[chunks * valuesPerChunk];
    int[] chunkUsers = new int[chunks];
    SampledScratch[] scratch = new SampledScratch[Math.max(1, threads)];
    sink.start("evaluate", numUsers);
    Parallel.forRange(numUsers, threads, CHUNK, (worker, from, to) -> {
      SampledScratch s = scratch[worker];
      if (s == null) {
        s = new SampledScratch(numItems, numK);
        scratch[worker] = s;
      }
      int chunk = from / CHUNK;
      int evaluated = 0;
      for (int u = from; u < to; u++) {
        if (test.userDegree(u) == 0) {
          continue;
        }
        evaluated++;
        rankSampled(model, train, test, u, negatives, seed, s, cutoffs, chunkSums, chunk * valuesPerChunk);
      }
      chunkUsers[chunk] = evaluated;
      sink.advance(to - from);
    });

    double[] total = new double[valuesPerChunk];
    int evaluated = 0;
    for (int c = 0; c < chunks; c++) {
      evaluated += chunkUsers[c];
      for (int v = 0; v < valuesPerChunk; v++) {
        total[v] += chunkSums[c * valuesPerChunk + v];
      }
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    double users = Math.max(1, evaluated);
    for (int j = 0; j < numK; j++) {
      int k = cutoffs[j];
      int b = j * SAMPLED_VALUES;
      metrics.put(Metric.HITRATE.key(k), total[b] / users);
      metrics.put(Metric.NDCG.key(k), total[b + 1] / users);
      metrics.put(Metric.MRR.key(k), total[b + 2] / users);
    }
    metrics.put(Metric.MRR.shortName(), total[valuesPerChunk - 1] / users);
    double seconds = (System.nanoTime() - start) / 1e9;
    EvalResult result = new EvalResult("sampled-" + negatives, metrics, evaluated, numUsers - evaluated, seconds);
    sink.finish(summary(result, cutoffs, "hitrate", "ndcg"));
    return result;
  }

  /**
   * Masks and selects one user's scores ({@code scores[off..off+numItems)}, written by the block's
   * {@link RecallModel#scoreUsers}) and accumulates the user's full-sort metrics into {@code sums[base..]}.
   */
  private static void rankUser(Interactions train, Interactions test, int u, float[] scores, int off,
      FullSortScratch s, int[] cutoffs, double[] discount, double[] idcg, int[] degree, double[] sums, int base) {
    // Exclude training items by position: O(|train(u)|), no per-item check during selection.
    int[] trainPtr = train.userPtr();
    int[] trainItems = train.userItems();
    for (int p = trainPtr[u], end = trainPtr[u + 1]; p < end; p++) {
      scores[off + trainItems[p]] = Float.NEGATIVE_INFINITY;
    }
    TopK top = s.top;
    top.clear();
    top.offerAll(scores, off, train.numItems());
    int n = top.drainIds(s.list);

    // Mark the user's test items; the marker u+1 is unique per user, so the array is never reset.
    int marker = u + 1;
    int[] testPtr = test.userPtr();
    int[] testItems = test.userItems();
    int numTest = testPtr[u + 1] - testPtr[u];
    for (int p = testPtr[u]; p < testPtr[u + 1]; p++) {
      s.isTest[testItems[p]] = marker;
    }

    int[] list = s.list;
    int[] bestRank = s.bestRank;
    int hits = 0;
    int firstHit = 0;
    double dcg = 0;
    double precisionSum = 0;
    long popularity = 0;
    int r = 0;
    for (int j = 0; j < cutoffs.length; j++) {
      int k = cutoffs[j];
      int end = Math.min(k, n);
      for (; r < end; r++) {
        int item = list[r];
        popularity += degree[item];
        if (bestRank[item] > r) {
          bestRank[item] = r;
        }
        if (s.isTest[item] == marker) {
          hits++;
          dcg += discount[r];
          precisionSum += (double) hits / (r + 1);
          if (firstHit == 0) {
            firstHit = r + 1;
          }
        }
      }
      int b = base + j * FULL_VALUES;
      int ideal = Math.min(numTest, k);
      sums[b] += (double) hits / numTest;
      sums[b + 1] += dcg / idcg[ideal];
      sums[b + 2] += (double) hits / k;
      sums[b + 3] += hits > 0 ? 1.0 : 0.0;
      sums[b + 4] += firstHit > 0 ? 1.0 / firstHit : 0.0;
      sums[b + 5] += precisionSum / ideal;
      sums[b + 6] += end > 0 ? (double) popularity / end : 0.0;
    }
  }

  /** Ranks each of the user's test items against sampled negatives; adds the user's means to {@code sums[base..]}. */
  private static void rankSampled(RecallModel model, Interactions train, Interactions test, int u, int negatives, long seed,
      SampledScratch s, int[] cutoffs, double[] sums, int base) {
    float[] scores = s.scores;
    model.scoreUser(u, scores);
    int marker = u + 1;
    int[] seen = s.seen;
    int excluded = 0;
    int[] trainPtr = train.userPtr();
    int[] trainItems = train.userItems();
    for (int p = trainPtr[u]; p < trainPtr[u + 1]; p++) {
      seen[trainItems[p]] = marker;
      excluded++;
    }
    int[] testPtr = test.userPtr();
    int[] testItems = test.userItems();
    for (int p = testPtr[u]; p < testPtr[u + 1]; p++) {
      if (seen[testItems[p]] != marker) {
        seen[testItems[p]] = marker;
        excluded++;
      }
    }
    int numItems = scores.length;
    int available = numItems - excluded;
    int draws = Math.min(negatives, available);
    int[] candidates = null;
    if (draws > 0 && (available < 2 * draws || available * 4L < numItems)) {
      // Few candidates (rejection would mostly hit seen or drawn items): list them once and draw by
      // partial Fisher-Yates instead.
      candidates = s.candidates;
      int c = 0;
      for (int i = 0; i < numItems; i++) {
        if (seen[i] != marker) {
          candidates[c++] = i;
        }
      }
    }
    SplitMix random = s.random;
    random.reseed(seed, u);
    double[] userSums = s.userSums;
    Arrays.fill(userSums, 0.0);
    int numTest = testPtr[u + 1] - testPtr[u];
    for (int p = testPtr[u]; p < testPtr[u + 1]; p++) {
      float positive = scores[testItems[p]];
      int beaten = 0;
      if (candidates != null) {
        for (int d = 0; d < draws; d++) {
          int pick = d + random.nextInt(available - d);
          int item = candidates[pick];
          candidates[pick] = candidates[d];
          candidates[d] = item;
          // Pessimistic: ties (and NaN on either side) rank the negative above the positive.
          if (!(scores[item] < positive)) {
            beaten++;
          }
        }
      } else {
        int stamp = ++s.drawStamp;
        int[] drawn = s.drawn;
        for (int d = 0; d < draws; d++) {
          int item;
          do {
            item = random.nextInt(numItems);
          } while (seen[item] == marker || drawn[item] == stamp);
          drawn[item] = stamp;
          if (!(scores[item] < positive)) {
            beaten++;
          }
        }
      }
      int rank = 1 + beaten;
      for (int j = 0; j < cutoffs.length; j++) {
        if (rank <= cutoffs[j]) {
          int b = j * SAMPLED_VALUES;
          userSums[b] += 1.0;
          userSums[b + 1] += 1.0 / log2(rank + 1);
          userSums[b + 2] += 1.0 / rank;
        }
      }
      userSums[userSums.length - 1] += 1.0 / rank;
    }
    for (int v = 0; v < userSums.length; v++) {
      sums[base + v] += userSums[v] / numTest;
    }
  }

  private static void checkShapes(RecallModel model, Interactions train, Interactions test, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1; threads=" + threads);
    }
    if (train.numUsers() != test.numUsers() || train.numItems() != test.numItems()) {
      throw new IllegalArgumentException("train and test must share id maps: train is " + train.numUsers() + " users x "
          + train.numItems() + " items, test is " + test.numUsers() + " x " + test.numItems());
    }
    if (model.numItems() != train.numItems()) {
      throw new IllegalArgumentException("model scores " + model.numItems() + " items but the data has " + train.numItems());
    }
    if (model.numUsers() < test.numUsers()) {
      throw new IllegalArgumentException("model knows " + model.numUsers() + " users but the data has " + test.numUsers());
    }
  }

  /** Sorted, de-duplicated copy; every cutoff must be >= 1. */
  static int[] normaliseCutoffs(int[] ks) {
    if (ks == null || ks.length == 0) {
      throw new IllegalArgumentException("ks must name at least one cutoff");
    }
    for (int k : ks) {
      if (k < 1) {
        throw new IllegalArgumentException("every cutoff must be >= 1; ks=" + Arrays.toString(ks));
      }
    }
    return Arrays.stream(ks).sorted().distinct().toArray();
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static String summary(EvalResult r, int[] cutoffs, String first, String second) {
    int k = cutoffs[cutoffs.length - 1];
    for (int c : cutoffs) {
      if (c == 20) {
        k = 20;
      }
    }
    return String.format(Locale.ROOT, "%s: %d users (%d without test items skipped), %s@%d=%.4f %s@%d=%.4f in %.1f s",
        r.protocol(), r.usersEvaluated(), r.usersSkipped(), first, k, r.metrics().get(first + "@" + k), second, k,
        r.metrics().get(second + "@" + k), r.seconds());
  }

  /** One worker's buffers for full sort; allocated once per worker, reused for every user. */
  private static final class FullSortScratch {
    /** Users scored together; divides {@link #CHUNK} so blocks never straddle chunks. */
    final int blockUsers;
    /** Scores of a block of users, row-major. */
    final float[] block;
    final TopK top;
    final int[] list;
    final int[] isTest;
    final int[] bestRank;

    FullSortScratch(int numItems, int listLength) {
      int users = CHUNK;
      while (users > 1 && (long) users * numItems > BLOCK_FLOATS) {
        users /= 2;
      }
      blockUsers = users;
      block = new float[Math.max(1, users * numItems)];
      top = new TopK(listLength);
      list = new int[listLength];
      isTest = new int[numItems];
      bestRank = new int[numItems];
      Arrays.fill(bestRank, Integer.MAX_VALUE);
    }
  }

  /** One worker's buffers for the sampled protocol. */
  private static final class SampledScratch {
    final float[] scores;
    final int[] seen;
    final int[] drawn;
    final int[] candidates;
    final double[] userSums;
    final SplitMix random = new SplitMix();
    int drawStamp;

    SampledScratch(int numItems, int numK) {
      scores = new float[numItems];
      seen = new int[numItems];
      drawn = new int[numItems];
      candidates = new int[numItems];
      userSums = new double[SAMPLED_VALUES * numK + 1];
    }
  }

  /** SplitMix64 (Steele, Lea, Flood 2014), reseeded per user so draws do not depend on scheduling. */
  static final class SplitMix {
    private long state;

    void reseed(long seed, int user) {
      state = Mix.mix64(seed ^ Mix.mix64(Mix.GOLDEN_GAMMA * (user + 1L)));
    }

    long nextLong() {
      state += 0x9E3779B97F4A7C15L;
      return Mix.mix64(state);
    }

    /** Uniform in [0, bound) by Lemire's multiply-shift with rejection (unbiased). */
    int nextInt(int bound) {
      long m = (nextLong() >>> 32) * bound;
      long low = m & 0xFFFFFFFFL;
      if (low < bound) {
        long threshold = (0x100000000L - bound) % bound;
        while (low < threshold) {
          m = (nextLong() >>> 32) * bound;
          low = m & 0xFFFFFFFFL;
        }
      }
      return (int) (m >>> 32);
    }

  }
}
