package dev.funnel.kernel;

/**
 * Dense float kernels that every learned model runs on: BLAS level 1 (dot, axpy, scale, norms,
 * distances), a batched dot (GEMV against a row-major matrix) and a small register-tiled GEMM.
 *
 * <p>Obtain an instance from {@link Kernels#get()}: a SIMD implementation on
 * {@code jdk.incubator.vector} when the JVM runs with {@code --add-modules jdk.incubator.vector}, its
 * scalar twin otherwise (the habit of Lucene's {@code VectorUtil} and JVector's
 * {@code VectorizationProvider}). Both give the same results up to float rounding: the SIMD one sums
 * in a different order and uses fused multiply-add, so callers must not expect bit-identical sums
 * across implementations (single-thread training is bit-for-bit reproducible for a fixed one).
 *
 * <p>Vectors are windows {@code x[off .. off+n)} of plain arrays so that embedding tables stored as
 * one row-major {@code float[]} are used in place. Windows are bounds-checked up front and raise
 * {@link IndexOutOfBoundsException}; nothing is written when a check fails. Implementations are
 * stateless and thread-safe.
 */
public interface VectorKernels {

  /** Short name for logs and benchmark rows, e.g. {@code "scalar"} or {@code "panama-512bit"}. */
  String name();

  /** Returns sum over i of {@code a[aOff+i] * b[bOff+i]} for i in [0, n). */
  float dot(float[] a, int aOff, float[] b, int bOff, int n);

  /** {@code y[yOff+i] += alpha * x[xOff+i]} for i in [0, n) (BLAS saxpy). */
  void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

  /** {@code x[off+i] *= alpha} for i in [0, n) (BLAS sscal). */
  void scale(float alpha, float[] x, int off, int n);

  /** Returns sum over i of {@code x[off+i]^2}: the squared L2 norm. */
  float sumOfSquares(float[] x, int off, int n);

  /** Returns the L2 norm, {@code sqrt(sumOfSquares)}. No overflow guard: embeddings are small. */
  default float norm(float[] x, int off, int n) {
    return (float) Math.sqrt(sumOfSquares(x, off, n));
  }

  /** Returns sum over i of {@code (a[aOff+i] - b[bOff+i])^2}: the squared Euclidean distance. */
  float squaredDistance(float[] a, int aOff, float[] b, int bOff, int n);

  /**
   * Gathered dot: {@code out[i] = dot(q[qOff..], m[offsets[i]..])} for i in [0, count), each window
   * {@code n} long. The scoring step of a graph search, where the rows to score (a node's unvisited
   * neighbours) are scattered through one array: one call per neighbour list instead of one per
   * neighbour lets the SIMD implementation keep the query in registers and overlap the loads of
   * several rows. Each {@code out[i]} is formed in the same order as {@code dot(q, qOff, m,
   * offsets[i], n)} of the same implementation; it is equal bit for bit except that the Vector API
   * leaves the order of a float lane reduction unspecified (the interpreter's fallback adds the lanes
   * in sequence, the JIT's intrinsic as a tree), so two methods at different tiers may differ in the
   * last bits. An offset whose window lies outside {@code m} raises
   * {@link IndexOutOfBoundsException}; unlike the single-window kernels, the entries of {@code out}
   * before it may already be written (each offset is checked as its row is reached, so a valid call
   * does not pay a separate pass over the offsets).
   */
  default void dotMany(float[] q, int qOff, float[] m, int[] offsets, int count, int n, float[] out) {
    Windows.checkMany(offsets, count, out);
    for (int i = 0; i < count; i++) {
      out[i] = dot(q, qOff, m, offsets[i], n);
    }
  }

  /**
   * Gathered squared distance: {@code out[i] = squaredDistance(q[qOff..], m[offsets[i]..])}, the L2
   * twin of {@link #dotMany}, summed in the same order as {@link #squaredDistance} of the same
   * implementation (equal up to the lane-reduction order, as there).
   */
  default void squaredDistanceMany(float[] q, int qOff, float[] m, int[] offsets, int count, int n, float[] out) {
    Windows.checkMany(offsets, count, out);
    for (int i = 0; i < count; i++) {
      out[i] = squaredDistance(q, qOff, m, offsets[i], n);
    }
  }

  /**
   * Batched dot (GEMV): {@code out[outOff+r] = dot(query[qOff..], matrix row r)} for r in [0, rows),
   * where row r is {@code matrix[mOff + r*dim .. mOff + (r+1)*dim)}. This is the score of one user
   * against every item of a row-major item table.
   */
  void dotRows(float[] query, int qOff, float[] matrix, int mOff, int rows, int dim, float[] out, int outOff);

  /**
   * Small GEMM on row-major arrays, accumulating: {@code C += A · Bᵀ}, i.e.
   * {@code c[cOff + i*ldc + j] += sum_p a[aOff + i*k + p] * b[bOff + j*k + p]} for i in [0, m),
   * j in [0, n).
   *
   * <p>Why {@code A·Bᵀ}: both operands are embedding tables as stored (one row per user or item,
   * dimension contiguous), so full-sort scoring of a block of users is
   * {@code gemm(U_block, m, V, n_items, dim, scores, n_items)} with no transposed copy kept by the
   * caller. {@code ldc >= n} lets the block be written into a wider score matrix. Zero {@code C}
   * first for a plain product.
   */
  void gemm(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc);

  /**
   * {@code x[off+i] = tanh(x[off+i])} for i in [0, n), in place: an activation over a block (SimpleX's
   * attention keys). The default runs the scalar kernels' loop.
   */
  default void tanh(float[] x, int off, int n) {
    Kernels.scalar().tanh(x, off, n);
  }

  /**
   * GEMM without transposes, accumulating: {@code C += A · B} with A m x k and B k x n, both dense
   * row-major: {@code c[cOff + i*ldc + j] += sum_p a[aOff + i*k + p] * b[bOff + p*n + j]}. A dense
   * layer's input gradient {@code dX = dY · W} (W stored out x in) is this product, with no
   * transposed copy of W. The default runs the scalar kernels' loop (for implementations written
   * before this method existed).
   */
  default void gemmNN(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    Kernels.scalar().gemmNN(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
  }

  /**
   * GEMM with A transposed, accumulating: {@code C += Aᵀ · B} with A k x m and B k x n, both dense
   * row-major: {@code c[cOff + i*ldc + j] += sum_p a[aOff + p*m + i] * b[bOff + p*n + j]}. A dense
   * layer's weight gradient {@code dW = dYᵀ · X} over a mini-batch of k rows is this product, with no
   * transposed copies of the activations. The default runs the scalar kernels' loop.
   */
  default void gemmTN(float[] a, int aOff, int m, float[] b, int bOff, int n, int k, float[] c, int cOff, int ldc) {
    Kernels.scalar().gemmTN(a, aOff, m, b, bOff, n, k, c, cOff, ldc);
  }

  /**
   * One Adam step (Kingma and Ba, ICLR 2015, Algorithm 1) on {@code w[wOff .. wOff+n)} with the
   * gradient {@code g = alpha * grad + decay * w} (coupled L2) and the bias corrections given as
   * factors {@code c1 = 1/(1 - beta1^t)}, {@code c2 = 1/(1 - beta2^t)}, element-wise:
   * {@code m = beta1 m + (1-beta1) g; v = beta2 v + (1-beta2) g²; w -= lr (m c1) / (sqrt(v c2) + eps)},
   * with m at {@code moments[mOff..]} and v at {@code moments[vOff..]}. For dense layers updated
   * as one row of hundreds of thousands of weights; {@code grad} must not overlap w or the moments.
   */
  default void adamStep(float alpha, float[] grad, int gOff, float decay, float[] w, int wOff, float[] moments, int mOff, int vOff,
      float beta1, float beta2, float lr, float c1, float c2, float eps, int n) {
    Kernels.scalar().adamStep(alpha, grad, gOff, decay, w, wOff, moments, mOff, vOff, beta1, beta2, lr, c1, c2, eps, n);
  }

  /**
   * {@code steps} consecutive Adam steps on {@code w[wOff .. wOff+n)} whose only gradient is the coupled
   * L2 {@code g = decay * w} (dense Adam over a row the loss did not touch), step s in
   * {@code [fromStep, fromStep + steps)} with bias corrections {@code c1[s]}, {@code c2[s]} (1 from the
   * tables' length on): element-wise, each step as in {@link #adamStep} with alpha 0. The SIMD version
   * keeps a lane block of w, m and v in registers across all the steps.
   */
  default void adamDecaySteps(float[] w, int wOff, float[] moments, int mOff, int vOff, float decay, float beta1,
      float beta2, float lr, float[] c1, float[] c2, int fromStep, int steps, float eps, int n) {
    Kernels.scalar().adamDecaySteps(w, wOff, moments, mOff, vOff, decay, beta1, beta2, lr, c1, c2, fromStep, steps, eps,
        n);
  }

  /**
   * The ReLU backward pass: {@code dz[dzOff+i] = z[zOff+i] > 0 ? dy[dyOff+i] : 0} for i in [0, n);
   * {@code dz} may be {@code dy} (in place). A scalar loop branches on the sign of every
   * pre-activation, about half of them mispredicted; the SIMD kernel selects with a lane mask.
   */
  default void reluBackward(float[] z, int zOff, float[] dy, int dyOff, float[] dz, int dzOff, int n) {
    Kernels.scalar().reluBackward(z, zOff, dy, dyOff, dz, dzOff, n);
  }

  /**
   * Weighted sum of indexed rows, the kernel of a sparse-dense product (one CSR row times a row-major
   * matrix): {@code y[yOff+d] = sum over p in [from, to) of weights[p] * x[index[p]*dim + d]} for d in
   * [0, dim). Overwrites the window of {@code y} (zero when the range is empty). An index whose row
   * lies outside {@code x} raises {@link IndexOutOfBoundsException}.
   *
   * <p>The default is a loop of {@link #axpy}; the SIMD implementation keeps a block of the output row
   * in registers across all the indexed rows, so each neighbour costs its loads and FMAs only.
   */
  default void gatherRows(int[] index, float[] weights, int from, int to, float[] x, int dim, float[] y, int yOff) {
    gatherRows(index, weights, from, to, x, 0, dim, y, yOff);
  }

  /**
   * {@link #gatherRows(int[], float[], int, int, float[], int, float[], int)} over a table whose row n
   * starts at {@code x[xOff + index*dim]}: an offset lets a caller place rows on cache-line
   * boundaries (a 64-float row then touches 4 lines instead of 5), which a memory-bound gather feels.
   */
  default void gatherRows(int[] index, float[] weights, int from, int to, float[] x, int xOff, int dim, float[] y,
      int yOff) {
    Windows.check(y, yOff, dim);
    java.util.Arrays.fill(y, yOff, yOff + dim, 0f);
    for (int p = from; p < to; p++) {
      axpy(weights[p], x, xOff + index[p] * dim, y, yOff, dim);
    }
  }

  /**
   * One fused Adagrad step (Duchi, Hazan and Singer, JMLR 2011) on {@code w[wOff .. wOff+n)} with the
   * gradient {@code g = alpha * x + decay * w} (a scaled row plus coupled L2), element-wise:
   * {@code acc += g²; w -= lr * g / (sqrt(acc) + eps)}. Fusing the gradient into the step saves
   * materialising {@code g} and reads each of w, acc and x once: for the rows of sparse embedding
   * training this is the whole cost of the update. {@code x} must not overlap {@code w} or {@code acc}.
   */
  void adagradStep(float alpha, float[] x, int xOff, float decay, float[] w, int wOff, float[] acc, int accOff,
      float lr, float eps, int n);
}
