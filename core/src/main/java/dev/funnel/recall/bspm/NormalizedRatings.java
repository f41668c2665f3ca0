package dev.funnel.recall.bspm;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.linalg.SubspaceIteration;
import dev.funnel.util.Parallel;

/**
 * The degree-normalised interaction matrix {@code R̃ = D_U^-1/2 R D_I^-1/2} of the graph filters
 * (GF-CF, Shen et al., CIKM 2021; BSPM, Choi et al., SIGIR 2023), with R binary (an interaction is
 * 1 whatever its value) and degrees counted on R, kept twice: by user rows (CSR) and by item columns
 * (CSC), each nonzero weighted {@code 1/sqrt(d_u d_i)}. Its one operation is the item-item filter
 * {@code P̃ = R̃ᵀR̃} applied to item-major blocks, as two sparse-dense products through the user side,
 * so the dense n x n matrix is never formed (gowalla's would be 6.7 GB).
 */
final class NormalizedRatings {
  final int numUsers;
  final int numItems;
  private final int[] userPtr;
  private final int[] userItems;
  private final float[] userWeights;
  private final int[] itemPtr;
  private final int[] itemUsers;
  private final float[] itemWeights;
  /** {@code d_i^-1/2}, 0 for an item with no interactions. */
  final float[] itemInvSqrtDegree;
  /** {@code d_i^1/2}. */
  final float[] itemSqrtDegree;
  private final float[] userInvSqrtDegree;
  private final VectorKernels kernels;
  private final int threads;

  NormalizedRatings(Interactions train, VectorKernels kernels, int threads) {
    this.numUsers = train.numUsers();
    this.numItems = train.numItems();
    this.kernels = kernels;
    this.threads = threads;
    this.userPtr = train.userPtr();
    this.userItems = train.userItems();
    this.itemPtr = train.itemPtr();
    this.itemUsers = train.itemUsers();
    float[] userInv = new float[numUsers];
    this.userInvSqrtDegree = userInv;
    for (int u = 0; u < numUsers; u++) {
      int d = userPtr[u + 1] - userPtr[u];
      userInv[u] = d > 0 ? (float) (1 / Math.sqrt(d)) : 0f;
    }
    itemInvSqrtDegree = new float[numItems];
    itemSqrtDegree = new float[numItems];
    for (int i = 0; i < numItems; i++) {
      int d = itemPtr[i + 1] - itemPtr[i];
      itemInvSqrtDegree[i] = d > 0 ? (float) (1 / Math.sqrt(d)) : 0f;
      itemSqrtDegree[i] = (float) Math.sqrt(d);
    }
    userWeights = new float[userItems.length];
    for (int u = 0; u < numUsers; u++) {
      for (int p = userPtr[u]; p < userPtr[u + 1]; p++) {
        userWeights[p] = userInv[u] * itemInvSqrtDegree[userItems[p]];
      }
    }
    itemWeights = new float[itemUsers.length];
    for (int i = 0; i < numItems; i++) {
      for (int p = itemPtr[i]; p < itemPtr[i + 1]; p++) {
        itemWeights[p] = userInv[itemUsers[p]] * itemInvSqrtDegree[i];
      }
    }
  }

  /**
   * {@code P̃} as the eigen solver's operator, on the model's threads. Its user-side block (61 MB on
   * gowalla at 512 columns) is made at the first call and reused by the next ones, instead of once
   * per subspace iteration, and goes with the operator when the fit ends. One caller at a time.
   */
  SubspaceIteration.Operator operator() {
    return new SubspaceIteration.Operator() {
      private float[] t;

      @Override
      public int size() {
        return numItems;
      }

      @Override
      public void apply(float[] x, float[] y, int cols) {
        if (t == null || t.length < numUsers * cols) {
          t = new float[numUsers * cols];
        }
        float[] block = t;
        Parallel.forRange(numUsers, threads, 256, (w, from, to) -> toUsers(x, block, cols, from, to));
        Parallel.forRange(numItems, threads, 256, (w, from, to) -> toItems(block, y, cols, from, to));
      }
    };
  }

  /**
   * {@code y = P̃ x} on the calling thread, for item-major blocks {@code x}, {@code y} ({@code numItems x
   * cols}) through {@code t} ({@code numUsers x cols}).
   */
  void applyFilter(float[] x, float[] t, float[] y, int cols) {
    toUsers(x, t, cols, 0, numUsers);
    toItems(t, y, cols, 0, numItems);
  }

  /**
   * {@code t = R̃ r} for {@code count} sparse histories (column c: items {@code items[ptr[c] ..
   * ptr[c+1])} with values {@code values}), into the user-major block {@code t} ({@code numUsers x
   * cols}, zeroed first): through the item columns of the histories' items only, so a blur costs the
   * histories' neighbourhoods, not a pass over every nonzero.
   */
  void toUsersFromHistories(int[] ptr, int[] items, float[] values, int count, float[] t, int cols) {
    java.util.Arrays.fill(t, 0, numUsers * cols, 0f);
    for (int c = 0; c < count; c++) {
      for (int p = ptr[c]; p < ptr[c + 1]; p++) {
        int i = items[p];
        float w = values[p] * itemInvSqrtDegree[i];
        for (int q = itemPtr[i]; q < itemPtr[i + 1]; q++) {
          int u = itemUsers[q];
          t[u * cols + c] += w * userInvSqrtDegree[u];
        }
      }
    }
  }

  /** {@code y = R̃ᵀ t} for all item rows, on the calling thread. */
  void toItems(float[] t, float[] y, int cols) {
    toItems(t, y, cols, 0, numItems);
  }

  /** {@code t[u] = R̃ x} for user rows [from, to). */
  private void toUsers(float[] x, float[] t, int cols, int from, int to) {
    for (int u = from; u < to; u++) {
      kernels.gatherRows(userItems, userWeights, userPtr[u], userPtr[u + 1], x, cols, t, u * cols);
    }
  }

  /** {@code y[i] = R̃ᵀ t} for item rows [from, to). */
  private void toItems(float[] t, float[] y, int cols, int from, int to) {
    for (int i = from; i < to; i++) {
      kernels.gatherRows(itemUsers, itemWeights, itemPtr[i], itemPtr[i + 1], t, cols, y, i * cols);
    }
  }
}
