package dev.funnel.ann.hnsw;

/**
 * Binary max-heap of (score, node) on parallel primitive arrays, growable, reused across queries.
 * The result set of a beam search is kept in one of these with negated scores, so that its top is
 * the worst result.
 */
final class ScoreHeap {
  private float[] scores;
  private int[] nodes;
  private int size;

  ScoreHeap(int capacity) {
    scores = new float[Math.max(capacity, 4)];
    nodes = new int[scores.length];
  }

  void clear() {
    size = 0;
  }

  int size() {
    return size;
  }

  float topScore() {
    return scores[0];
  }

  int topNode() {
    return nodes[0];
  }

  void push(int node, float score) {
    if (size == scores.length) {
      scores = java.util.Arrays.copyOf(scores, size * 2);
      nodes = java.util.Arrays.copyOf(nodes, size * 2);
    }
    int pos = size++;
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      if (scores[parent] >= score) {
        break;
      }
      scores[pos] = scores[parent];
      nodes[pos] = nodes[parent];
      pos = parent;
    }
    scores[pos] = score;
    nodes[pos] = node;
  }

  /** Removes the top; read it first with {@link #topNode()} / {@link #topScore()}. */
  void pop() {
    int n = --size;
    if (n == 0) {
      return;
    }
    siftDown(nodes[n], scores[n], n);
  }

  /**
   * Replaces the top by (node, score) in one sift-down: a bounded result set taking a better item
   * than its worst, where a push and a pop would sift twice.
   */
  void replaceTop(int node, float score) {
    siftDown(node, score, size);
  }

  /** Places (node, s) from the root down in a heap of n entries. */
  private void siftDown(int node, float s, int n) {
    int pos = 0;
    int half = n >>> 1;
    while (pos < half) {
      int child = 2 * pos + 1;
      int right = child + 1;
      if (right < n && scores[right] > scores[child]) {
        child = right;
      }
      if (scores[child] <= s) {
        break;
      }
      scores[pos] = scores[child];
      nodes[pos] = nodes[child];
      pos = child;
    }
    scores[pos] = s;
    nodes[pos] = node;
  }

  /** Direct access for a caller that drains in heap order. */
  float scoreAt(int i) {
    return scores[i];
  }

  int nodeAt(int i) {
    return nodes[i];
  }
}
