package dev.funnel.train.sample;

import dev.funnel.train.WorkerRandom;

/**
 * Hard negatives mined from the current model, mixed with easy ones (see {@link HardNegativeConfig}).
 *
 * <p>Per worker: this object owns its scratch (a score per item and a heap of {@code rankTo}
 * entries), so each worker makes its own and it is not thread-safe. Use: {@link #mine} a user once
 * (scores every item through the model callback, drops the user's positives, keeps the items ranked
 * in the window), then {@link #sample} that user as often as needed. Ranking orders by score
 * descending, ties by item id ascending, so mining is deterministic. If the user has fewer than
 * {@code rankFrom + 1} non-positive items the window is empty and every draw is easy.
 */
public final class HardNegativeSampler {
  private final NegativeSampler easy;
  private final HardNegativeConfig config;
  private final double hardProbability;
  private final float[] scores;
  private final int[] heapItems;
  private final float[] heapScores;
  private final int[] window;
  private int windowSize;
  private int minedUser = -1;

  public HardNegativeSampler(NegativeSampler easy, HardNegativeConfig config) {
    this.easy = easy;
    this.config = config;
    this.hardProbability = config.hardProbability();
    int numItems = easy.proposal().numItems();
    this.scores = new float[numItems];
    int heap = Math.min(config.rankTo(), numItems);
    this.heapItems = new int[heap];
    this.heapScores = new float[heap];
    this.window = new int[Math.max(0, heap - config.rankFrom())];
  }

  public HardNegativeConfig config() {
    return config;
  }

  /**
   * Scores every item for {@code user} and keeps the non-positives ranked in [rankFrom, rankTo).
   *
   * @return the window size
   * @throws IllegalArgumentException if the model returns a NaN score (naming user and item)
   */
  public int mine(int user, ItemScorer scorer) {
    scorer.score(user, scores);
    // Bounded min-heap of the best rankTo non-positives; its root is the worst kept entry.
    int size = 0;
    int cap = heapItems.length;
    for (int item = 0; item < scores.length; item++) {
      float s = scores[item];
      if (Float.isNaN(s)) {
        throw new IllegalArgumentException("model score is NaN for user " + user + ", item " + item);
      }
      if (size == cap && !better(s, item, heapScores[0], heapItems[0])) {
        continue;
      }
      if (easy.isPositive(user, item)) {
        continue;
      }
      if (size < cap) {
        siftUp(size++, s, item);
      } else {
        siftDown(0, size, s, item);
      }
    }
    // Heap-sort in place: popping the worst to the end leaves the array best-first.
    for (int end = size - 1; end > 0; end--) {
      float s = heapScores[end];
      int it = heapItems[end];
      heapScores[end] = heapScores[0];
      heapItems[end] = heapItems[0];
      siftDown(0, end, s, it);
    }
    windowSize = Math.max(0, size - config.rankFrom());
    if (windowSize > 0) {
      System.arraycopy(heapItems, config.rankFrom(), window, 0, windowSize);
    }
    minedUser = user;
    return windowSize;
  }

  /** Number of items in the last mined window. */
  public int windowSize() {
    return windowSize;
  }

  /** The k-th item of the window, best first (rank rankFrom + k). */
  public int windowItem(int k) {
    if (k < 0 || k >= windowSize) {
      throw new IndexOutOfBoundsException("k=" + k + " outside window of size " + windowSize);
    }
    return window[k];
  }

  /**
   * A negative for the user last passed to {@link #mine}: hard (uniform over the window) with
   * probability 1 / (easyPerHard + 1), otherwise easy from the {@link NegativeSampler}.
   *
   * @throws IllegalStateException if {@code user} is not the last mined user
   */
  public int sample(int user, WorkerRandom random) {
    if (user != minedUser) {
      throw new IllegalStateException("sample for user " + user + " but the mined user is " + minedUser);
    }
    if (windowSize > 0 && random.nextDouble() < hardProbability) {
      return window[random.nextInt(windowSize)];
    }
    return easy.sample(user, random);
  }

  /** Whether (s1, item1) ranks before (s2, item2): higher score, then lower id. */
  private static boolean better(float s1, int item1, float s2, int item2) {
    return s1 > s2 || (s1 == s2 && item1 < item2);
  }

  private void siftUp(int pos, float s, int item) {
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      if (!better(heapScores[parent], heapItems[parent], s, item)) {
        break;
      }
      heapScores[pos] = heapScores[parent];
      heapItems[pos] = heapItems[parent];
      pos = parent;
    }
    heapScores[pos] = s;
    heapItems[pos] = item;
  }

  /** Places (s, item) at pos of a min-heap (worst at the root) of the given size, moving it down. */
  private void siftDown(int pos, int size, float s, int item) {
    while (true) {
      int child = 2 * pos + 1;
      if (child >= size) {
        break;
      }
      int right = child + 1;
      if (right < size && better(heapScores[child], heapItems[child], heapScores[right], heapItems[right])) {
        child = right;
      }
      if (!better(s, item, heapScores[child], heapItems[child])) {
        break;
      }
      heapScores[pos] = heapScores[child];
      heapItems[pos] = heapItems[child];
      pos = child;
    }
    heapScores[pos] = s;
    heapItems[pos] = item;
  }
}
