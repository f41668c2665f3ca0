package dev.funnel.recall.lightgcn;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.VectorKernels;

/**
 * The symmetric-normalised user-item graph of LightGCN, {@code Â = D^-1/2 A D^-1/2} with
 * {@code A = [[0, R], [Rᵀ, 0]]} over {@code N = numUsers + numItems} nodes (users first, then items
 * at {@code numUsers + i}), held as one CSR: row r lists its neighbours with weights
 * {@code 1 / sqrt(d_r d_n)}. Isolated nodes have empty rows (the reference code sets the inf of
 * {@code 0^-1/2} to 0).
 *
 * <p>Â is symmetric, so the same CSR serves the forward propagation {@code Â X} and the backward
 * {@code Âᵀ G = Â G}. All products are "pull" (each output row gathers its neighbours), so rows can
 * be computed by different threads without write conflicts; {@code dim}-float rows are accumulated
 * with the SIMD axpy of {@link VectorKernels}.
 */
final class NormalizedGraph {
  private final int numUsers;
  private final int numNodes;
  private final int[] ptr;
  private final int[] adj;
  private final float[] weight;

  NormalizedGraph(Interactions train) {
    numUsers = train.numUsers();
    int numItems = train.numItems();
    numNodes = numUsers + numItems;
    int[] userPtr = train.userPtr();
    int[] userItems = train.userItems();
    int[] itemPtr = train.itemPtr();
    int[] itemUsers = train.itemUsers();
    int nnz = train.nnz();
    ptr = new int[numNodes + 1];
    adj = new int[2 * nnz];
    weight = new float[2 * nnz];
    for (int u = 0; u < numUsers; u++) {
      ptr[u + 1] = userPtr[u + 1];
    }
    for (int i = 0; i < numItems; i++) {
      ptr[numUsers + i + 1] = nnz + itemPtr[i + 1];
    }
    for (int u = 0; u < numUsers; u++) {
      double du = userPtr[u + 1] - userPtr[u];
      for (int p = userPtr[u]; p < userPtr[u + 1]; p++) {
        int i = userItems[p];
        adj[p] = numUsers + i;
        weight[p] = (float) (1.0 / Math.sqrt(du * (itemPtr[i + 1] - itemPtr[i])));
      }
    }
    for (int i = 0; i < numItems; i++) {
      double di = itemPtr[i + 1] - itemPtr[i];
      for (int p = itemPtr[i]; p < itemPtr[i + 1]; p++) {
        int u = itemUsers[p];
        adj[nnz + p] = u;
        weight[nnz + p] = (float) (1.0 / Math.sqrt(di * (userPtr[u + 1] - userPtr[u])));
      }
    }
  }

  int numUsers() {
    return numUsers;
  }

  int numNodes() {
    return numNodes;
  }

  /** Stored entries (twice the training interactions). */
  int nnz() {
    return adj.length;
  }

  /** Neighbour count of node r. */
  int degree(int r) {
    return ptr[r + 1] - ptr[r];
  }

  /**
   * Writes the distinct neighbours of {@code nodes[0 .. count)} into {@code out} and returns how many:
   * a neighbour n is new when {@code mark[n] != stamp}, and is then marked.
   */
  int collectNeighbours(int[] nodes, int count, int[] mark, int stamp, int[] out) {
    int c = 0;
    for (int s = 0; s < count; s++) {
      int r = nodes[s];
      for (int p = ptr[r], end = ptr[r + 1]; p < end; p++) {
        int n = adj[p];
        if (mark[n] != stamp) {
          mark[n] = stamp;
          out[c++] = n;
        }
      }
    }
    return c;
  }

  /** {@code out[r] = (Â x)[r]} for rows r in [from, to); rows are {@code dim} floats. */
  void multiplyRows(float[] x, float[] out, int dim, int from, int to, VectorKernels k) {
    multiplyRows(x, 0, out, 0, dim, from, to, k);
  }

  /**
   * {@code out[r] = (Â x)[r]} for rows r in [from, to), where row n of {@code x} starts at
   * {@code xOff + n*dim} and row r of {@code out} at {@code outOff + r*dim}.
   */
  void multiplyRows(float[] x, int xOff, float[] out, int outOff, int dim, int from, int to, VectorKernels k) {
    for (int r = from; r < to; r++) {
      k.gatherRows(adj, weight, ptr[r], ptr[r + 1], x, xOff, dim, out, outOff + r * dim);
    }
  }

  /** Writes {@code (Â x)[r]} into {@code out[outOff .. outOff+dim)}. */
  void multiplyRow(float[] x, float[] out, int outOff, int r, int dim, VectorKernels k) {
    k.gatherRows(adj, weight, ptr[r], ptr[r + 1], x, 0, dim, out, outOff);
  }

  /** Writes {@code (Â x)[r]} into {@code out[outOff .. outOff+dim)}; row n of {@code x} starts at {@code xOff + n*dim}. */
  void multiplyRow(float[] x, int xOff, float[] out, int outOff, int r, int dim, VectorKernels k) {
    k.gatherRows(adj, weight, ptr[r], ptr[r + 1], x, xOff, dim, out, outOff);
  }

  /**
   * Pushes row s of {@code x} to its neighbours n in [lo, hi): {@code out[n] += Â[n][s] · x[s]} (rows
   * at {@code xOff + s*dim} and {@code outOff + n*dim}). Â is symmetric, so called for the non-zero rows
   * s of x in increasing order it adds into each out[n] the same terms, in the same order, as the pull
   * {@link #multiplySparseRow} does, so the sums are equal bit for bit.
   */
  void pushRow(int s, float[] x, int xOff, float[] out, int outOff, int lo, int hi, int dim, VectorKernels k) {
    int p = ptr[s];
    int end = ptr[s + 1];
    int high = end;
    while (p < high) { // first neighbour >= lo (rows are sorted)
      int mid = (p + high) >>> 1;
      if (adj[mid] < lo) {
        p = mid + 1;
      } else {
        high = mid;
      }
    }
    int src = xOff + s * dim;
    for (; p < end; p++) {
      int n = adj[p];
      if (n >= hi) {
        break;
      }
      k.axpy(weight[p], x, src, out, outOff + n * dim, dim);
    }
  }

  /** Sum of the degrees of {@code rows[from .. to)}. */
  int degreeSum(int[] rows, int from, int to) {
    int sum = 0;
    for (int x = from; x < to; x++) {
      sum += ptr[rows[x] + 1] - ptr[rows[x]];
    }
    return sum;
  }

  /**
   * The edges from {@code sources[from .. to)} (increasing rows) into [lo, hi), grouped by destination:
   * destination n's sources and weights are {@code inSource/inWeight[start[n] .. cursor[n])}, in
   * increasing source order, packed from position {@code base} on. Writes {@code start[lo .. hi)} and
   * {@code cursor[lo .. hi)}; returns the position after the last edge. A gather over these lists sums
   * the same terms in the same order as {@link #pushRow} over the sources in increasing order (and as
   * a pull that skips inactive rows), so the results are equal bit for bit; but it reads only the
   * sources' rows and writes each output row once, in order, where the push read-modify-wrote outputs
   * at scattered places. Disjoint [lo, hi) ranges can be built by different threads.
   */
  int transposeRows(int[] sources, int from, int to, int lo, int hi, int[] start, int[] cursor, int base,
      int[] inSource, float[] inWeight) {
    java.util.Arrays.fill(cursor, lo, hi, 0);
    for (int x = from; x < to; x++) {
      int s = sources[x];
      for (int p = firstAtLeast(s, lo), end = ptr[s + 1]; p < end && adj[p] < hi; p++) {
        cursor[adj[p]]++;
      }
    }
    int pos = base;
    for (int n = lo; n < hi; n++) {
      start[n] = pos;
      int c = cursor[n];
      cursor[n] = pos;
      pos += c;
    }
    for (int x = from; x < to; x++) {
      int s = sources[x];
      for (int p = firstAtLeast(s, lo), end = ptr[s + 1]; p < end && adj[p] < hi; p++) {
        int q = cursor[adj[p]]++;
        inSource[q] = s;
        inWeight[q] = weight[p];
      }
    }
    return pos;
  }

  /** The first position of row s's (increasing) neighbours that is {@code >= lo}. */
  private int firstAtLeast(int s, int lo) {
    int p = ptr[s];
    int high = ptr[s + 1];
    while (p < high) {
      int mid = (p + high) >>> 1;
      if (adj[mid] < lo) {
        p = mid + 1;
      } else {
        high = mid;
      }
    }
    return p;
  }

  /**
   * {@code (Â x)[r]} into {@code out[outOff .. outOff+dim)} where {@code x} (rows at {@code xOff + n*dim})
   * is non-zero only on rows with {@code active[n]} set: only those neighbours are gathered (a byte
   * test per edge instead of a {@code dim}-float load). Returns whether any was; the output is zero
   * otherwise.
   */
  boolean multiplySparseRow(float[] x, int xOff, boolean[] active, float[] out, int outOff, int r, int dim,
      VectorKernels k) {
    boolean any = false;
    for (int p = ptr[r], end = ptr[r + 1]; p < end; p++) {
      int n = adj[p];
      if (active[n]) {
        if (!any) {
          java.util.Arrays.fill(out, outOff, outOff + dim, 0f);
          any = true;
        }
        k.axpy(weight[p], x, xOff + n * dim, out, outOff, dim);
      }
    }
    if (!any) {
      java.util.Arrays.fill(out, outOff, outOff + dim, 0f);
    }
    return any;
  }
}
