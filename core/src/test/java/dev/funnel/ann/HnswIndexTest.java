package dev.funnel.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.ann.flat.FlatIndex;
import dev.funnel.ann.hnsw.HnswConfig;
import dev.funnel.ann.hnsw.HnswIndex;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HnswIndexTest {
  static final int DIM = 32;
  static final int N = 6000;
  static final int Q = 200;

  static int[][] ids(ScoredItems[] r) {
    int[][] out = new int[r.length][];
    for (int i = 0; i < r.length; i++) {
      out[i] = r[i].items();
    }
    return out;
  }

  double recallVsFlat(Similarity sim, boolean normalize, int threads, int ef, long seed) {
    System.out.println("HnswIndexTest " + sim + " threads=" + threads + " seed=" + seed);
    float[] data = ClusteredVectors.generate(N + Q, DIM, 50, 0.6, normalize, seed);
    float[] items = java.util.Arrays.copyOf(data, N * DIM);
    float[] queries = java.util.Arrays.copyOfRange(data, N * DIM, (N + Q) * DIM);
    FlatIndex flat = FlatIndex.build(items, DIM, sim);
    HnswIndex hnsw = HnswIndex.build(items, DIM, sim, new HnswConfig(16, 100, ef, seed), threads);
    double r = ClusteredVectors.recall(ids(flat.searchBatch(queries, Q, 10, ItemFilter.ALL, 1)),
        ids(hnsw.searchBatch(queries, Q, 10, ItemFilter.ALL, 1)), 10);
    System.out.printf("  recall@10=%.4f maxLevel=%d meanDegree=%.1f%n", r, hnsw.maxLevel(), hnsw.meanDegree());
    return r;
  }

  @Test
  void recallAgainstExactForEverySimilarity() {
    assertThat(recallVsFlat(Similarity.COSINE, true, 1, 64, 11)).isGreaterThan(0.97);
    assertThat(recallVsFlat(Similarity.L2, false, 1, 64, 12)).isGreaterThan(0.97);
    // Maximum inner product on unnormalised vectors: harder for a metric graph, still high.
    assertThat(recallVsFlat(Similarity.INNER_PRODUCT, false, 1, 128, 13)).isGreaterThan(0.9);
  }

  @Test
  void concurrentBuildKeepsRecall() {
    assertThat(recallVsFlat(Similarity.COSINE, true, 4, 64, 21)).isGreaterThan(0.97);
  }

  @Test
  void lowEfLosesRecallSoTheTestCanFail() {
    double low = recallVsFlat(Similarity.COSINE, true, 1, 1, 31);
    double high = recallVsFlat(Similarity.COSINE, true, 1, 200, 31);
    assertThat(low).isLessThan(high);
    assertThat(high).isGreaterThan(0.99);
  }

  @Test
  void filterExcludingNinetyPercentStillReturnsKValidResultsWithHighRecall() {
    long seed = 41;
    System.out.println("HnswIndexTest filter seed=" + seed);
    float[] data = ClusteredVectors.generate(N + Q, DIM, 50, 0.6, true, seed);
    float[] items = java.util.Arrays.copyOf(data, N * DIM);
    float[] queries = java.util.Arrays.copyOfRange(data, N * DIM, (N + Q) * DIM);
    BitSet excluded = new BitSet();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < N; i++) {
      if (rnd.nextDouble() < 0.9) {
        excluded.set(i);
      }
    }
    ItemFilter filter = ItemFilter.excluding(excluded);
    FlatIndex flat = FlatIndex.build(items, DIM, Similarity.COSINE);
    HnswIndex hnsw = HnswIndex.build(items, DIM, Similarity.COSINE, new HnswConfig(16, 100, 64, seed), 2);
    ScoredItems[] exact = flat.searchBatch(queries, Q, 10, filter, 1);
    ScoredItems[] approx = hnsw.searchBatch(queries, Q, 10, filter, 2);
    for (ScoredItems r : approx) {
      assertThat(r.size()).isEqualTo(10);
      for (int item : r.items()) {
        assertThat(excluded.get(item)).as("item %d is excluded", item).isFalse();
      }
    }
    double recall = ClusteredVectors.recall(ids(exact), ids(approx), 10);
    System.out.printf("  filtered recall@10=%.4f (%d of %d items pass)%n", recall, N - excluded.cardinality(), N);
    assertThat(recall).isGreaterThan(0.95);
  }

  @Test
  void filterPassingFewerThanKItemsReturnsAllOfThem() {
    float[] items = ClusteredVectors.generate(500, 8, 5, 0.6, true, 5);
    HnswIndex hnsw = HnswIndex.build(items, 8, Similarity.COSINE, HnswConfig.defaults(), 1);
    ScoredItems r = hnsw.search(java.util.Arrays.copyOf(items, 8), 10, item -> item == 7 || item == 400 || item == 123);
    assertThat(r.items()).containsExactlyInAnyOrder(7, 400, 123);
  }

  @Test
  void saveLoadGivesIdenticalResults(@TempDir Path dir) {
    long seed = 51;
    System.out.println("HnswIndexTest save/load seed=" + seed);
    float[] data = ClusteredVectors.generate(2000 + 50, 16, 20, 0.6, false, seed);
    float[] items = java.util.Arrays.copyOf(data, 2000 * 16);
    float[] queries = java.util.Arrays.copyOfRange(data, 2000 * 16, 2050 * 16);
    HnswIndex hnsw = HnswIndex.build(items, 16, Similarity.L2, new HnswConfig(8, 60, 40, seed), 2);
    Path f = dir.resolve("h.fvi");
    hnsw.save(f);
    VectorIndex back = VectorIndexes.load(f);
    assertThat(back.kind()).isEqualTo("hnsw");
    assertThat(back.params()).isEqualTo(hnsw.params());
    assertThat(back.bytesUsed()).isEqualTo(hnsw.bytesUsed());
    ScoredItems[] a = hnsw.searchBatch(queries, 50, 10, ItemFilter.ALL, 1);
    ScoredItems[] b = back.searchBatch(queries, 50, 10, ItemFilter.ALL, 1);
    for (int q = 0; q < 50; q++) {
      assertThat(b[q]).isEqualTo(a[q]);
    }
    VectorIndex wide = back.withSearchParams(Map.of("ef", "200"));
    assertThat(wide.params().get("ef")).isEqualTo(200);
    assertThatThrownBy(() -> back.withSearchParams(Map.of("nprobe", "3"))).hasMessageContaining("nprobe").hasMessageContaining("ef");
  }

  @Test
  void configNamesTheBadField() {
    assertThatThrownBy(() -> new HnswConfig(0, 100, 10, 1)).hasMessage("m must be >= 2; m=0");
    assertThatThrownBy(() -> new HnswConfig(16, 0, 10, 1)).hasMessageContaining("efConstruction=0");
    assertThatThrownBy(() -> VectorIndexes.build("hnsw", new float[16], 2, Similarity.L2, Map.of("M", "3"), 1))
        .hasMessageContaining("'M'");
  }

  @Test
  void tinyIndexes() {
    HnswIndex one = HnswIndex.build(new float[] {1, 2}, 2, Similarity.INNER_PRODUCT, HnswConfig.defaults(), 2);
    assertThat(one.search(new float[] {1, 1}, 5).items()).containsExactly(0);
    HnswIndex none = HnswIndex.build(new float[0], 2, Similarity.INNER_PRODUCT, HnswConfig.defaults(), 2);
    assertThat(none.search(new float[] {1, 1}, 5).size()).isZero();
  }
}
