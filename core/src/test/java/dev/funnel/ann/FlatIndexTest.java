package dev.funnel.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.ann.flat.FlatIndex;
import dev.funnel.kernel.Kernels;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlatIndexTest {
  /** Four 2-d items, hand-checked below. */
  static final float[] ITEMS = {
      1, 0, // 0
      0, 2, // 1
      3, 3, // 2
      -1, 0, // 3
  };

  @Test
  void innerProductIsUnnormalisedDot() {
    FlatIndex idx = FlatIndex.build(ITEMS, 2, Similarity.INNER_PRODUCT);
    // q=(1,1): dots 1, 2, 6, -1.
    ScoredItems r = idx.search(new float[] {1, 1}, 3);
    assertThat(r.items()).containsExactly(2, 1, 0);
    assertThat(r.scores()).containsExactly(6f, 2f, 1f);
  }

  @Test
  void cosineNormalisesBothSides() {
    FlatIndex idx = FlatIndex.build(ITEMS, 2, Similarity.COSINE);
    // q=(2,0) -> (1,0): cosines 1, 0, 0.7071, -1.
    ScoredItems r = idx.search(new float[] {2, 0}, 4);
    assertThat(r.items()).containsExactly(0, 2, 1, 3);
    assertThat(r.score(0)).isCloseTo(1f, within(1e-6f));
    assertThat(r.score(1)).isCloseTo(0.70710677f, within(1e-6f));
    assertThat(r.score(3)).isCloseTo(-1f, within(1e-6f));
  }

  @Test
  void l2ScoresAreNegatedSquaredDistances() {
    FlatIndex idx = FlatIndex.build(ITEMS, 2, Similarity.L2);
    // q=(0,1): squared distances 2, 1, 13, 2 -> ties 0 and 3 broken by smaller id.
    ScoredItems r = idx.search(new float[] {0, 1}, 3);
    assertThat(r.items()).containsExactly(1, 0, 3);
    assertThat(r.scores()).containsExactly(-1f, -2f, -2f);
  }

  @Test
  void filterIsAppliedDuringSelection() {
    FlatIndex idx = FlatIndex.build(ITEMS, 2, Similarity.INNER_PRODUCT);
    ScoredItems r = idx.search(new float[] {1, 1}, 2, ItemFilter.excluding(2));
    assertThat(r.items()).containsExactly(1, 0);
    ScoredItems[] b = idx.searchBatch(new float[] {1, 1}, 1, 2, ItemFilter.excluding(2), 1);
    assertThat(b[0].items()).containsExactly(1, 0);
  }

  @Test
  void batchedGemmMatchesSingleQueriesAndScalarKernels() {
    long seed = 7;
    System.out.println("FlatIndexTest seed=" + seed);
    int dim = 24;
    float[] data = ClusteredVectors.generate(3000, dim, 20, 0.6, false, seed);
    float[] queries = ClusteredVectors.generate(70, dim, 20, 0.6, false, seed + 1);
    for (Similarity sim : Similarity.values()) {
      FlatIndex idx = FlatIndex.build(data, dim, sim);
      FlatIndex scalar = idx.withKernels(Kernels.scalar());
      ScoredItems[] batch = idx.searchBatch(queries, 70, 10, ItemFilter.ALL, 2);
      for (int q = 0; q < 70; q++) {
        float[] one = java.util.Arrays.copyOfRange(queries, q * dim, (q + 1) * dim);
        ScoredItems a = idx.search(one, 10);
        ScoredItems s = scalar.search(one, 10);
        assertThat(batch[q].items()).as("%s query %d", sim, q).containsExactly(a.items());
        assertThat(s.items()).as("%s scalar query %d", sim, q).containsExactly(a.items());
        for (int r = 0; r < 10; r++) {
          assertThat(batch[q].score(r)).isCloseTo(a.score(r), within(1e-3f));
        }
      }
    }
  }

  @Test
  void saveLoadRoundTrip(@TempDir Path dir) throws Exception {
    FlatIndex idx = FlatIndex.build(ITEMS, 2, Similarity.L2);
    Path f = dir.resolve("flat.fvi");
    idx.save(f);
    VectorIndex back = VectorIndexes.load(f);
    assertThat(back.kind()).isEqualTo("flat");
    assertThat(back.similarity()).isEqualTo(Similarity.L2);
    assertThat(back.search(new float[] {0, 1}, 3)).isEqualTo(idx.search(new float[] {0, 1}, 3));
    // A flipped byte in the payload is caught by the checksum.
    try (var ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, 60);
      one.put(0, (byte) (one.get(0) ^ 0x40));
      one.rewind();
      ch.write(one, 60);
    }
    assertThatThrownBy(() -> VectorIndexes.load(f)).hasMessageContaining("checksum mismatch").hasMessageContaining(f.toString());
    Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    assertThatThrownBy(() -> VectorIndexes.load(f)).hasMessageContaining(f.toString());
  }

  @Test
  void badInputIsNamed() {
    FlatIndex idx = FlatIndex.build(ITEMS, 2, Similarity.INNER_PRODUCT);
    assertThatThrownBy(() -> idx.search(new float[3], 1)).hasMessageContaining("dim=2");
    assertThatThrownBy(() -> FlatIndex.build(new float[5], 2, Similarity.L2)).hasMessageContaining("dim=2");
    assertThatThrownBy(() -> Similarity.parse("manhattan")).hasMessageContaining("similarity=manhattan");
    assertThatThrownBy(() -> VectorIndexes.build("annoy", ITEMS, 2, Similarity.L2, Map.of(), 1))
        .hasMessageContaining("annoy").hasMessageContaining("flat, hnsw");
  }
}
