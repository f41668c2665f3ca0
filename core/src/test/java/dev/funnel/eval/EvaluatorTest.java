package dev.funnel.eval;

import static dev.funnel.eval.FixedScoreModel.matrix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.data.Interactions;
import dev.funnel.util.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  private static final double EPS = 1e-12;
  private static final double LOG2_3 = Math.log(3) / Math.log(2);
  private static final double LOG2_5 = Math.log(5) / Math.log(2);

  /*
   * Hand-computed fixture: 4 users, 6 items, K = 1 and 3.
   *
   * user 0: scores 0.9 0.8 0.7 0.6 0.5 0.4; train {0} (the top score: excluded); test {1,3,4,5}
   *   (4 test items > K=3, so IDCG runs over 3 positions). Ranking after masking: 1 2 3 4 5.
   *   top3 = [1,2,3]: hits at ranks 1 and 3.
   *   K=1: recall 1/4, ndcg 1/1 = 1, precision 1, hit 1, mrr 1, map (P@1=1)/min(4,1) = 1
   *   K=3: recall 2/4, ndcg (1 + 1/log2 4) / (1 + 1/log2 3 + 1/log2 4) = 1.5/2.130930 = 0.703918,
   *        precision 2/3, hit 1, mrr 1, map (P@1 + P@3)/min(4,3) = (1 + 2/3)/3 = 5/9
   * user 1: scores 0.1 0.2 0.3 0.9 0.8 0.0; no train items (still evaluated); test {4,5}
   *   (2 test items < K=3, so IDCG runs over 2 positions). top3 = [3,4,2]: hit at rank 2.
   *   K=1: all 0
   *   K=3: recall 1/2, ndcg (1/log2 3) / (1 + 1/log2 3) = 0.386853, precision 1/3, hit 1, mrr 1/2,
   *        map (P@2 = 1/2)/min(2,3) = 1/4
   * user 2: train {1,2}; no test items: skipped.
   * user 3: scores 0.3 0.95 0.2 0.5 0.1 0.99; train {1,5} (the two top scores: excluded); test {0}.
   *   Ranking after masking: 3 0 2 4. top3 = [3,0,2]: hit at rank 2.
   *   K=1: all 0
   *   K=3: recall 1, ndcg 1/log2 3 = 0.630930, precision 1/3, hit 1, mrr 1/2, map (1/2)/1 = 1/2
   *
   * Means over the 3 evaluated users:
   *   K=1: recall 1/12, ndcg 1/3, precision 1/3, hit 1/3, mrr 1/3, map 1/3
   *   K=3: recall (1/2+1/2+1)/3 = 2/3, ndcg (0.703918+0.386853+0.630930)/3, precision (2/3+1/3+1/3)/3
   *        = 4/9, hit 1, mrr (1+1/2+1/2)/3 = 2/3, map (5/9+1/4+1/2)/3
   * Coverage: top1 lists [1],[3],[3] -> {1,3} = 2/6; top3 lists [1,2,3],[3,4,2],[3,0,2] -> {0..4} = 5/6.
   * Popularity: train degrees item0..5 = 1 2 1 0 0 1.
   *   K=1: (deg1 + deg3 + deg3)/3 = (2+0+0)/3 = 2/3
   *   K=3: ((2+1+0)/3 + (0+0+1)/3 + (0+1+1)/3)/3 = (1 + 1/3 + 2/3)/3 = 2/3
   */
  private static final float[][] SCORES = {
      {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f},
      {0.1f, 0.2f, 0.3f, 0.9f, 0.8f, 0.0f},
      {0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.0f},
      {0.3f, 0.95f, 0.2f, 0.5f, 0.1f, 0.99f}};
  private static final Interactions TRAIN = matrix(6, new int[] {0}, new int[] {}, new int[] {1, 2}, new int[] {1, 5});
  private static final Interactions TEST = matrix(6, new int[] {1, 3, 4, 5}, new int[] {4, 5}, new int[] {}, new int[] {0});

  @Test
  void fullSortMatchesHandComputedFixture() {
    RecordingProgress progress = new RecordingProgress();
    EvalResult r = Evaluator.fullSort(new FixedScoreModel(SCORES), TRAIN, TEST, new int[] {3, 1}, 1, progress);

    assertThat(r.protocol()).isEqualTo("full-sort");
    assertThat(r.usersEvaluated()).isEqualTo(3);
    assertThat(r.usersSkipped()).isEqualTo(1);
    assertThat(r.metrics().keySet()).containsExactly(
        "recall@1", "ndcg@1", "precision@1", "hitrate@1", "mrr@1", "map@1", "coverage@1", "popularity@1",
        "recall@3", "ndcg@3", "precision@3", "hitrate@3", "mrr@3", "map@3", "coverage@3", "popularity@3");

    assertThat(r.metric("recall@1")).isCloseTo(1.0 / 12, within(EPS));
    assertThat(r.metric("ndcg@1")).isCloseTo(1.0 / 3, within(EPS));
    assertThat(r.metric("precision@1")).isCloseTo(1.0 / 3, within(EPS));
    assertThat(r.metric("hitrate@1")).isCloseTo(1.0 / 3, within(EPS));
    assertThat(r.metric("mrr@1")).isCloseTo(1.0 / 3, within(EPS));
    assertThat(r.metric("map@1")).isCloseTo(1.0 / 3, within(EPS));
    assertThat(r.metric("coverage@1")).isCloseTo(2.0 / 6, within(EPS));
    assertThat(r.metric("popularity@1")).isCloseTo(2.0 / 3, within(EPS));

    double ndcg0 = 1.5 / (1 + 1 / LOG2_3 + 0.5);
    double ndcg1 = (1 / LOG2_3) / (1 + 1 / LOG2_3);
    double ndcg3 = 1 / LOG2_3;
    assertThat(ndcg0).isCloseTo(0.703918, within(1e-6));
    assertThat(ndcg1).isCloseTo(0.386853, within(1e-6));
    assertThat(r.metric("recall@3")).isCloseTo(2.0 / 3, within(EPS));
    assertThat(r.metric("ndcg@3")).isCloseTo((ndcg0 + ndcg1 + ndcg3) / 3, within(EPS));
    assertThat(r.metric("precision@3")).isCloseTo(4.0 / 9, within(EPS));
    assertThat(r.metric("hitrate@3")).isCloseTo(1.0, within(EPS));
    assertThat(r.metric("mrr@3")).isCloseTo(2.0 / 3, within(EPS));
    assertThat(r.metric("map@3")).isCloseTo((5.0 / 9 + 0.25 + 0.5) / 3, within(EPS));
    assertThat(r.metric("coverage@3")).isCloseTo(5.0 / 6, within(EPS));
    assertThat(r.metric("popularity@3")).isCloseTo(2.0 / 3, within(EPS));

    assertThat(progress.task).isEqualTo("evaluate");
    assertThat(progress.total).isEqualTo(4);
    assertThat(progress.advanced).isEqualTo(4);
    assertThat(progress.summary).contains("full-sort").contains("3 users").contains("recall@3=0.6667");
  }

  @Test
  void fullSortMatchesBruteForceOnRandomDataWithTies() {
    long seed = System.nanoTime();
    System.out.println("EvaluatorTest.fullSortMatchesBruteForceOnRandomDataWithTies seed=" + seed);
    Random rnd = new Random(seed);
    Fixture f = Fixture.random(rnd, 150, 60, 8);
    int[] ks = {1, 5, 10, 80};
    EvalResult got = Evaluator.fullSort(f.model, f.train, f.test, ks, 2, Progress.NONE);
    Map<String, Double> expected = bruteForce(f, ks);
    assertThat(got.metrics().keySet()).as("seed %d", seed).containsExactlyElementsOf(expected.keySet());
    for (String key : expected.keySet()) {
      assertThat(got.metric(key)).as("seed %d key %s", seed, key).isCloseTo(expected.get(key), within(1e-12));
    }
  }

  @Test
  void fullSortIsBitIdenticalForAnyThreadCount() {
    long seed = System.nanoTime();
    System.out.println("EvaluatorTest.fullSortIsBitIdenticalForAnyThreadCount seed=" + seed);
    Fixture f = Fixture.random(new Random(seed), 700, 300, 1000);
    int[] ks = {5, 20, 50};
    EvalResult one = Evaluator.fullSort(f.model, f.train, f.test, ks, 1, Progress.NONE);
    EvalResult four = Evaluator.fullSort(f.model, f.train, f.test, ks, 4, Progress.NONE);
    // Double.equals compares bits.
    assertThat(four.metrics()).as("seed %d", seed).isEqualTo(one.metrics());
    assertThat(four.usersEvaluated()).isEqualTo(one.usersEvaluated());
    assertThat(four.usersSkipped()).isEqualTo(one.usersSkipped());
  }

  /*
   * Sampled fixture: 10 items, N = 100 > available, so every candidate is drawn and ranks are exact.
   * user 0: train {0} (score 5, never a negative), test {1} score 0.5; negatives 2,3 score 0.9,
   *   4 scores 0.5 (a tie: counts against), 5..9 score 0.1 -> rank 1 + 3 = 4.
   *   K=1: 0 0 0; K=5: hit 1, ndcg 1/log2 5, mrr@5 1/4; mrr 1/4
   * user 1: no train, test {2,7}: each ranked against the 8 other items (test items are not negatives).
   *   item 2 scores 1.0 > all: rank 1. item 7 scores 0.0 < all (0.5): rank 9.
   *   user means: hit@1 = ndcg@1 = mrr@1 = hit@5 = ndcg@5 = mrr@5 = 1/2; mrr (1 + 1/9)/2 = 5/9
   * user 2: no test items: skipped.
   * Means: hit@1 = ndcg@1 = mrr@1 = 1/4; hit@5 3/4; ndcg@5 (1/log2 5 + 1/2)/2; mrr@5 3/8; mrr (1/4 + 5/9)/2
   */
  @Test
  void sampledMatchesHandComputedRanks() {
    float[][] scores = {
        {5f, 0.5f, 0.9f, 0.9f, 0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f},
        {0.5f, 0.5f, 1.0f, 0.5f, 0.5f, 0.5f, 0.5f, 0.0f, 0.5f, 0.5f},
        new float[10]};
    Interactions train = matrix(10, new int[] {0}, new int[] {}, new int[] {3});
    Interactions test = matrix(10, new int[] {1}, new int[] {2, 7}, new int[] {});
    RecordingProgress progress = new RecordingProgress();
    EvalResult r = Evaluator.sampled(new FixedScoreModel(scores), train, test, new int[] {5, 1}, 100, 42L, 1, progress);

    assertThat(r.protocol()).isEqualTo("sampled-100");
    assertThat(r.usersEvaluated()).isEqualTo(2);
    assertThat(r.usersSkipped()).isEqualTo(1);
    assertThat(r.metrics().keySet()).containsExactly("hitrate@1", "ndcg@1", "mrr@1", "hitrate@5", "ndcg@5", "mrr@5", "mrr");
    assertThat(r.metric("hitrate@1")).isCloseTo(0.25, within(EPS));
    assertThat(r.metric("ndcg@1")).isCloseTo(0.25, within(EPS));
    assertThat(r.metric("mrr@1")).isCloseTo(0.25, within(EPS));
    assertThat(r.metric("hitrate@5")).isCloseTo(0.75, within(EPS));
    assertThat(r.metric("ndcg@5")).isCloseTo((1 / LOG2_5 + 0.5) / 2, within(EPS));
    assertThat(r.metric("mrr@5")).isCloseTo(0.375, within(EPS));
    assertThat(r.metric("mrr")).isCloseTo((0.25 + 5.0 / 9) / 2, within(EPS));
    assertThat(progress.summary).contains("sampled-100");
  }

  @Test
  void sampledNegativesNeverComeFromTrainOrTestItems() {
    // 1000 items; items 0..199 are training items scored above everything, item 11 is a second test
    // item scored above item 10. Rejection sampling path (798 candidates for 50 draws). If any of
    // those 201 items were drawn, a positive would rank below 1; with 50 draws of 1000 that would
    // happen with probability > 1 - 0.8^50.
    int n = 1000;
    float[] row = new float[n];
    for (int i = 0; i < n; i++) {
      row[i] = i < 200 ? 2f : -i / 1e4f;
    }
    row[300] = 1f;
    row[301] = 1.5f;
    int[] trainItems = IntStream.range(0, 200).toArray();
    Interactions train = matrix(n, trainItems);
    Interactions test = matrix(n, new int[] {300, 301});
    EvalResult r = Evaluator.sampled(new FixedScoreModel(new float[][] {row}), train, test, new int[] {1}, 50, 7L, 1, Progress.NONE);
    assertThat(r.metric("hitrate@1")).isEqualTo(1.0);
    assertThat(r.metric("mrr")).isEqualTo(1.0);
  }

  @Test
  void sampledIsDeterministicPerSeedAndIndependentOfThreads() {
    long seed = System.nanoTime();
    System.out.println("EvaluatorTest.sampledIsDeterministicPerSeedAndIndependentOfThreads seed=" + seed);
    Fixture f = Fixture.random(new Random(seed), 500, 400, 100000);
    int[] ks = {1, 10};
    EvalResult a = Evaluator.sampled(f.model, f.train, f.test, ks, 100, 2024L, 1, Progress.NONE);
    EvalResult b = Evaluator.sampled(f.model, f.train, f.test, ks, 100, 2024L, 3, Progress.NONE);
    EvalResult c = Evaluator.sampled(f.model, f.train, f.test, ks, 100, 2025L, 2, Progress.NONE);
    assertThat(b.metrics()).as("seed %d", seed).isEqualTo(a.metrics());
    assertThat(c.metrics()).as("seed %d: another sampling seed draws other negatives", seed).isNotEqualTo(a.metrics());
    // Each value is a mean of per-user values in [0, 1].
    for (double v : a.metrics().values()) {
      assertThat(v).isBetween(0.0, 1.0);
    }
  }

  @Test
  void rejectsMismatchedShapesAndBadArguments() {
    FixedScoreModel model = new FixedScoreModel(SCORES);
    Interactions wide = matrix(7, new int[] {}, new int[] {}, new int[] {}, new int[] {});
    assertThatThrownBy(() -> Evaluator.fullSort(model, TRAIN, wide, new int[] {1}, 1, Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("train and test").hasMessageContaining("7");
    assertThatThrownBy(() -> Evaluator.fullSort(model, TRAIN, TEST, new int[] {0, 5}, 1, Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ks=[0, 5]");
    assertThatThrownBy(() -> Evaluator.fullSort(model, TRAIN, TEST, new int[] {}, 1, Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ks");
    assertThatThrownBy(() -> Evaluator.fullSort(model, TRAIN, TEST, new int[] {1}, 0, Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads=0");
    assertThatThrownBy(() -> Evaluator.sampled(model, TRAIN, TEST, new int[] {1}, 0, 1L, 1, Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negatives=0");
    FixedScoreModel narrow = new FixedScoreModel(new float[][] {{1f, 2f}});
    assertThatThrownBy(() -> Evaluator.fullSort(narrow, TRAIN, TEST, new int[] {1}, 1, Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model scores 2 items");
  }

  @Test
  void cutoffLargerThanItemCountRanksEveryUnseenItem() {
    // K=10 > 6 items: lists are as long as the unseen items; precision still divides by K.
    EvalResult r = Evaluator.fullSort(new FixedScoreModel(SCORES), TRAIN, TEST, new int[] {10}, 1, Progress.NONE);
    assertThat(r.metric("recall@10")).isCloseTo(1.0, within(EPS));
    // Hits: user0 4, user1 2, user3 1 -> (4/10 + 2/10 + 1/10)/3.
    assertThat(r.metric("precision@10")).isCloseTo(0.7 / 3, within(EPS));
    assertThat(r.metric("coverage@10")).isCloseTo(1.0, within(EPS));
  }

  /**
   * Metrics straight from the definitions: full sort per user (ties by smaller id, items scored
   * negative infinity are "cannot recommend" and left out, as the RecallModel contract says).
   */
  private static Map<String, Double> bruteForce(Fixture f, int[] ks) {
    int numItems = f.train.numItems();
    Map<String, Double> out = new LinkedHashMap<>();
    List<int[]> lists = new ArrayList<>();
    List<int[]> tests = new ArrayList<>();
    for (int u = 0; u < f.train.numUsers(); u++) {
      int[] t = f.test.itemsOf(u);
      if (t.length == 0) {
        continue;
      }
      float[] s = new float[numItems];
      f.model.scoreUser(u, s);
      int[] seen = f.train.itemsOf(u);
      int[] ranked = IntStream.range(0, numItems).boxed()
          .filter(i -> Arrays.binarySearch(seen, i) < 0 && s[i] != Float.NEGATIVE_INFINITY)
          .sorted(Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i))
          .mapToInt(Integer::intValue).toArray();
      lists.add(ranked);
      tests.add(t);
    }
    int users = lists.size();
    for (int k : ks) {
      double recall = 0, ndcg = 0, precision = 0, hit = 0, mrr = 0, map = 0, pop = 0;
      boolean[] covered = new boolean[numItems];
      for (int n = 0; n < users; n++) {
        int[] ranked = lists.get(n);
        int[] t = tests.get(n);
        int len = Math.min(k, ranked.length);
        int hits = 0;
        double dcg = 0, ap = 0, degSum = 0;
        int first = 0;
        for (int r = 1; r <= len; r++) {
          int item = ranked[r - 1];
          covered[item] = true;
          degSum += f.train.itemDegree(item);
          if (Arrays.binarySearch(t, item) >= 0) {
            hits++;
            dcg += 1 / (Math.log(r + 1) / Math.log(2));
            ap += hits / (double) r;
            if (first == 0) {
              first = r;
            }
          }
        }
        double idcg = 0;
        for (int r = 1; r <= Math.min(t.length, k); r++) {
          idcg += 1 / (Math.log(r + 1) / Math.log(2));
        }
        recall += hits / (double) t.length;
        ndcg += dcg / idcg;
        precision += hits / (double) k;
        hit += hits > 0 ? 1 : 0;
        mrr += first > 0 ? 1.0 / first : 0;
        map += ap / Math.min(t.length, k);
        pop += len > 0 ? degSum / len : 0;
      }
      int c = 0;
      for (boolean b : covered) {
        c += b ? 1 : 0;
      }
      out.put("recall@" + k, recall / users);
      out.put("ndcg@" + k, ndcg / users);
      out.put("precision@" + k, precision / users);
      out.put("hitrate@" + k, hit / users);
      out.put("mrr@" + k, mrr / users);
      out.put("map@" + k, map / users);
      out.put("coverage@" + k, (double) c / numItems);
      out.put("popularity@" + k, pop / users);
    }
    return out;
  }

  /** Random train/test/scores; some users have no test items, some no train items. */
  private record Fixture(FixedScoreModel model, Interactions train, Interactions test) {
    static Fixture random(Random rnd, int numUsers, int numItems, int scoreLevels) {
      int[][] train = new int[numUsers][];
      int[][] test = new int[numUsers][];
      float[][] scores = new float[numUsers][numItems];
      for (int u = 0; u < numUsers; u++) {
        int[] perm = IntStream.range(0, numItems).toArray();
        for (int i = numItems - 1; i > 0; i--) {
          int j = rnd.nextInt(i + 1);
          int tmp = perm[i];
          perm[i] = perm[j];
          perm[j] = tmp;
        }
        int nTrain = rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(numItems / 4);
        int nTest = rnd.nextInt(6) == 0 ? 0 : 1 + rnd.nextInt(numItems / 6);
        train[u] = Arrays.copyOfRange(perm, 0, nTrain);
        test[u] = Arrays.copyOfRange(perm, nTrain, nTrain + nTest);
        for (int i = 0; i < numItems; i++) {
          // Few levels make ties common; the rare NaN/-inf mean "cannot recommend".
          int roll = rnd.nextInt(200);
          scores[u][i] = roll == 0 ? Float.NEGATIVE_INFINITY : rnd.nextInt(scoreLevels) / (float) scoreLevels;
        }
      }
      return new Fixture(new FixedScoreModel(scores), matrix(numItems, train), matrix(numItems, test));
    }
  }

  private static final class RecordingProgress implements Progress {
    String task;
    long total;
    long advanced;
    String summary;

    @Override
    public void start(String task, long total) {
      this.task = task;
      this.total = total;
    }

    @Override
    public synchronized void advance(long steps) {
      advanced += steps;
    }

    @Override
    public void finish(String summary) {
      this.summary = summary;
    }
  }
}
