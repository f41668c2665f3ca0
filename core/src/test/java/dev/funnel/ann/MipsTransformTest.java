package dev.funnel.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.ann.flat.FlatIndex;
import dev.funnel.kernel.Kernels;
import dev.funnel.recall.ScoredItems;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MipsTransformTest {
  @Test
  void handCheckedAugmentation() {
    // Items (3,4) norm 5 (the largest), (1,0) norm 1, (0,0): extra coordinate sqrt(25-25)=0, sqrt(25-1)=sqrt(24), 5.
    float[] items = {3, 4, 1, 0, 0, 0};
    float[] a = MipsTransform.items(Kernels.scalar(), items, 3, 2);
    assertThat(a).hasSize(9);
    assertThat(a[0]).isEqualTo(3f);
    assertThat(a[1]).isEqualTo(4f);
    assertThat(a[2]).isEqualTo(0f);
    assertThat(a[3]).isEqualTo(1f);
    assertThat(a[5]).isCloseTo((float) Math.sqrt(24), within(1e-6f));
    assertThat(a[8]).isCloseTo(5f, within(1e-6f));
    assertThat(MipsTransform.queries(new float[] {2, -1}, 1, 2)).containsExactly(2f, -1f, 0f);
  }

  @Test
  void l2OrderOfAugmentedVectorsIsInnerProductOrder() {
    long seed = 20261124L;
    System.out.println("MipsTransformTest seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = 500;
    int dim = 8;
    float[] items = new float[n * dim];
    for (int i = 0; i < n; i++) {
      double scale = 0.1 + 3 * rnd.nextDouble(); // norms spread widely, as learned embeddings are
      for (int d = 0; d < dim; d++) {
        items[i * dim + d] = (float) (scale * rnd.nextGaussian());
      }
    }
    FlatIndex ip = FlatIndex.build(items, dim, Similarity.INNER_PRODUCT);
    FlatIndex l2 = FlatIndex.build(MipsTransform.items(Kernels.scalar(), items, n, dim), dim + 1, Similarity.L2);
    // Plain L2 on the raw vectors gives a different order, so the check below can fail.
    FlatIndex raw = FlatIndex.build(items, dim, Similarity.L2);
    int differsFromRaw = 0;
    for (int q = 0; q < 20; q++) {
      float[] query = new float[dim];
      for (int d = 0; d < dim; d++) {
        query[d] = (float) rnd.nextGaussian();
      }
      ScoredItems want = ip.search(query, 10);
      ScoredItems got = l2.search(MipsTransform.queries(query, 1, dim), 10);
      assertThat(got.items()).containsExactly(want.items());
      if (!java.util.Arrays.equals(raw.search(query, 10).items(), want.items())) {
        differsFromRaw++;
      }
    }
    assertThat(differsFromRaw).isPositive();
  }
}
