package dev.funnel.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.ann.flat.FlatIndex;
import dev.funnel.ann.ivfpq.IvfPqConfig;
import dev.funnel.ann.ivfpq.IvfPqIndex;
import dev.funnel.ann.lsh.LshConfig;
import dev.funnel.ann.lsh.LshIndex;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IvfPqAndLshTest {
  static final int DIM = 32;
  static final int N = 5000;
  static final int Q = 100;

  record Data(float[] items, float[] queries) {}

  static Data data(long seed, boolean normalize) {
    System.out.println("IvfPqAndLshTest seed=" + seed);
    float[] all = ClusteredVectors.generate(N + Q, DIM, 40, 0.6, normalize, seed);
    return new Data(Arrays.copyOf(all, N * DIM), Arrays.copyOfRange(all, N * DIM, (N + Q) * DIM));
  }

  static int[][] ids(ScoredItems[] r) {
    return Arrays.stream(r).map(ScoredItems::items).toArray(int[][]::new);
  }

  static double recall(VectorIndex exact, VectorIndex approx, float[] queries, ItemFilter filter) {
    return ClusteredVectors.recall(ids(exact.searchBatch(queries, Q, 10, filter, 1)), ids(approx.searchBatch(queries, Q, 10, filter, 2)), 10);
  }

  @Test
  void ivfPqRerankReachesHighRecallAndMoreProbesHelp() {
    Data d = data(61, true);
    FlatIndex flat = FlatIndex.build(d.items(), DIM, Similarity.INNER_PRODUCT);
    IvfPqIndex ivf = IvfPqIndex.build(d.items(), DIM, Similarity.INNER_PRODUCT, new IvfPqConfig(64, 8, 8, 100, 8, 5000, 61), 2);
    double noRerank = recall(flat, ivf.withSearch(8, 0), d.queries(), ItemFilter.ALL);
    double oneProbe = recall(flat, ivf.withSearch(1, 100), d.queries(), ItemFilter.ALL);
    double rerank = recall(flat, ivf, d.queries(), ItemFilter.ALL);
    System.out.printf("  ivfpq recall: adc only %.3f, nprobe=1 %.3f, nprobe=8 rerank=100 %.3f%n", noRerank, oneProbe, rerank);
    assertThat(rerank).isGreaterThan(0.95);
    assertThat(rerank).isGreaterThan(noRerank);
    assertThat(rerank).isGreaterThan(oneProbe);
  }

  @Test
  void ivfPqL2AndSaveLoadWithMappedVectors(@TempDir Path dir) {
    Data d = data(62, false);
    FlatIndex flat = FlatIndex.build(d.items(), DIM, Similarity.L2);
    IvfPqIndex ivf = IvfPqIndex.build(d.items(), DIM, Similarity.L2, new IvfPqConfig(32, 8, 8, 100, 8, 5000, 62), 2);
    double r = recall(flat, ivf, d.queries(), ItemFilter.ALL);
    System.out.printf("  ivfpq l2 recall %.3f%n", r);
    assertThat(r).isGreaterThan(0.9);
    Path f = dir.resolve("ivf.fvi");
    ivf.save(f);
    IvfPqIndex back = (IvfPqIndex) VectorIndexes.load(f);
    assertThat(back.vectorsOnHeap()).isFalse();
    assertThat(back.bytesUsed()).isLessThan(ivf.bytesUsed() / 4);
    float[] q = Arrays.copyOf(d.queries(), DIM);
    assertThat(back.search(q, 10)).isEqualTo(ivf.search(q, 10));
    assertThatThrownBy(() -> back.withSearchParams(Map.of("ef", "3"))).hasMessageContaining("nprobe, rerank");
  }

  @Test
  void filtersAreHonouredDuringTheScan() {
    Data d = data(63, true);
    BitSet excluded = new BitSet();
    SplittableRandom rnd = new SplittableRandom(63);
    for (int i = 0; i < N; i++) {
      if (rnd.nextDouble() < 0.9) {
        excluded.set(i);
      }
    }
    ItemFilter filter = ItemFilter.excluding(excluded);
    FlatIndex flat = FlatIndex.build(d.items(), DIM, Similarity.COSINE);
    IvfPqIndex ivf = IvfPqIndex.build(d.items(), DIM, Similarity.COSINE, new IvfPqConfig(64, 8, 16, 100, 8, 5000, 63), 1);
    LshIndex lsh = LshIndex.build(d.items(), DIM, Similarity.COSINE, new LshConfig(16, 10, 4, 63), 1);
    for (VectorIndex idx : new VectorIndex[] {ivf, lsh}) {
      for (ScoredItems r : idx.searchBatch(d.queries(), Q, 10, filter, 1)) {
        for (int item : r.items()) {
          assertThat(excluded.get(item)).isFalse();
        }
      }
    }
    double r = recall(flat, ivf, d.queries(), filter);
    System.out.printf("  ivfpq filtered recall %.3f%n", r);
    assertThat(r).isGreaterThan(0.9);
  }

  @Test
  void lshRecallGrowsWithProbesAndRoundTrips(@TempDir Path dir) {
    Data d = data(64, true);
    FlatIndex flat = FlatIndex.build(d.items(), DIM, Similarity.COSINE);
    LshIndex lsh = LshIndex.build(d.items(), DIM, Similarity.COSINE, new LshConfig(16, 10, 0, 64), 2);
    double r0 = recall(flat, lsh, d.queries(), ItemFilter.ALL);
    double r4 = recall(flat, lsh.withProbes(4), d.queries(), ItemFilter.ALL);
    System.out.printf("  lsh recall probes=0 %.3f probes=4 %.3f%n", r0, r4);
    assertThat(r4).isGreaterThan(r0);
    assertThat(r4).isGreaterThan(0.8);
    Path f = dir.resolve("lsh.fvi");
    lsh.save(f);
    VectorIndex back = VectorIndexes.load(f);
    float[] q = Arrays.copyOf(d.queries(), DIM);
    assertThat(back.search(q, 10)).isEqualTo(lsh.search(q, 10));
  }

  @Test
  void configsNameTheBadField() {
    assertThatThrownBy(() -> new IvfPqConfig(0, 8, 1, 0, 5, 1000, 1)).hasMessage("nlist must be positive; nlist=0");
    assertThatThrownBy(() -> new LshConfig(4, 40, 0, 1)).hasMessage("bits must be in [1, 32]; bits=40");
    assertThatThrownBy(() -> IvfPqIndex.build(new float[30], 10, Similarity.L2, new IvfPqConfig(2, 3, 1, 0, 5, 1000, 1), 1))
        .hasMessageContaining("pqBytes must divide dim=10; pqBytes=3");
  }
}
