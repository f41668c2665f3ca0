package dev.funnel.recall.lightgcn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NormalizedGraphTest {
  /**
   * Pushing the active rows in increasing order into a zeroed output, one destination range at a
   * time, gives the pull's sparse product bit for bit; so does a gather over the active rows' edges
   * grouped by destination ({@link NormalizedGraph#transposeRows}, the backward's first hop).
   */
  @Test
  void pushFromSortedRowsAndTheTransposedGatherEqualTheSparsePullBitForBit() {
    for (long seed = 300; seed < 305; seed++) {
      System.out.println("NormalizedGraphTest seed " + seed);
      Random rnd = new Random(seed);
      int users = 23;
      int items = 31;
      int[] ptr = new int[users + 1];
      int[] held = new int[users * items];
      int c = 0;
      for (int u = 0; u < users; u++) {
        for (int i = 0; i < items; i++) {
          if (rnd.nextInt(4) == 0) {
            held[c++] = i;
          }
        }
        ptr[u + 1] = c;
      }
      Interactions train = new Interactions(users, items, ptr, Arrays.copyOf(held, c), new float[c], new long[c]);
      NormalizedGraph g = new NormalizedGraph(train);
      int n = g.numNodes();
      int dim = 21;
      int xOff = 5;
      float[] x = new float[xOff + n * dim];
      boolean[] active = new boolean[n];
      int[] sources = new int[n];
      int count = 0;
      for (int v = 0; v < n; v++) {
        if (rnd.nextInt(3) == 0) {
          active[v] = true;
          sources[count++] = v;
          for (int d = 0; d < dim; d++) {
            x[xOff + v * dim + d] = (float) rnd.nextGaussian();
          }
        }
      }
      VectorKernels k = Kernels.get();
      float[] pull = new float[n * dim];
      for (int r = 0; r < n; r++) {
        g.multiplySparseRow(x, xOff, active, pull, r * dim, r, dim, k);
      }
      float[] push = new float[n * dim];
      int split = 1 + rnd.nextInt(n - 1);
      for (int s = 0; s < count; s++) {
        g.pushRow(sources[s], x, xOff, push, 0, 0, split, dim, k);
      }
      for (int s = 0; s < count; s++) {
        g.pushRow(sources[s], x, xOff, push, 0, split, n, dim, k);
      }
      assertThat(push).as("seed " + seed).containsExactly(pull);
      assertThat(Arrays.equals(pull, new float[n * dim])).as("a product that is not all zero").isFalse();

      // The batch's edges grouped by destination (one call per side of the bipartite graph, as the
      // trainer's first backward hop builds them), then a gather per row: the pull's sums, bit for bit.
      int firstItem = 0;
      while (firstItem < count && sources[firstItem] < users) {
        firstItem++;
      }
      int[] start = new int[n];
      int[] cursor = new int[n];
      int intoUsers = g.degreeSum(sources, firstItem, count);
      int total = intoUsers + g.degreeSum(sources, 0, firstItem);
      int[] inSource = new int[2 * total];
      float[] inWeight = new float[2 * total];
      // Users in two destination ranges (each with room for all of the side's edges), items in one.
      int mid = rnd.nextInt(users + 1);
      int end0 = g.transposeRows(sources, firstItem, count, 0, mid, start, cursor, 0, inSource, inWeight);
      int end1 = g.transposeRows(sources, firstItem, count, mid, users, start, cursor, intoUsers, inSource, inWeight);
      assertThat(end0 + end1 - intoUsers).as("edges into users").isEqualTo(intoUsers);
      assertThat(g.transposeRows(sources, 0, firstItem, users, n, start, cursor, 2 * intoUsers, inSource, inWeight))
          .isEqualTo(2 * intoUsers + total - intoUsers);
      float[] gathered = new float[n * dim];
      for (int r = 0; r < n; r++) {
        for (int e = start[r]; e < cursor[r] - 1; e++) {
          assertThat(inSource[e]).as("sources in increasing order").isLessThan(inSource[e + 1]);
        }
        k.gatherRows(inSource, inWeight, start[r], cursor[r], x, xOff, dim, gathered, r * dim);
      }
      assertThat(gathered).as("seed " + seed).containsExactly(pull);
    }
  }
}
