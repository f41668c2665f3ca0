package dev.funnel.rank.deepfm;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldSlots;
import dev.funnel.rank.nn.Mlp;
import dev.funnel.train.WorkerRandom;

/**
 * DeepFM's parameters and forward pass (Guo et al., IJCAI 2017, eq. 1-4). With e_f = x_f v_{i_f} the
 * embedding of the row's feature i_f in field f scaled by its value:
 *
 * <pre>
 *   y_FM   = w0 + Σ_f w_{i_f} x_f + 1/2 Σ_d [ (Σ_f e_{f,d})^2 - Σ_f e_{f,d}^2 ]
 *   y_DNN  = MLP([e_1, ..., e_F])
 *   p      = sigmoid(y_FM + y_DNN)
 * </pre>
 *
 * The embeddings are shared by both components. {@code linear} holds w (bias w0 last).
 */
final class DeepFmNet {
  final int numFeatures;
  final int numFields;
  final int dim;
  final float[] linear;
  final float[] embeddings;
  final Mlp mlp;

  DeepFmNet(int numFeatures, int numFields, int dim, float[] linear, float[] embeddings, Mlp mlp) {
    if (linear.length != numFeatures + 1 || embeddings.length != (long) numFeatures * dim || mlp.in() != numFields * dim
        || mlp.out() != 1) {
      throw new IllegalArgumentException("DeepFM weights do not fit " + numFeatures + " features in " + numFields + " fields of dim "
          + dim + ": " + linear.length + " linear, " + embeddings.length + " embedding values, MLP " + mlp.in() + "->" + mlp.out());
    }
    this.numFeatures = numFeatures;
    this.numFields = numFields;
    this.dim = dim;
    this.linear = linear;
    this.embeddings = embeddings;
    this.mlp = mlp;
  }

  /** One thread's forward buffers; after {@link #forward} they hold the batch's embeddings, sums and logits. */
  final class Pass {
    float[] e = new float[0];
    float[] sums = new float[0];
    float[] logits = new float[0];
    final Mlp.Workspace workspace = mlp.workspace();
    int m;

    void ensure(int rows) {
      if (logits.length < rows) {
        e = new float[rows * numFields * dim];
        sums = new float[rows * dim];
        logits = new float[rows];
      }
      m = rows;
    }
  }

  Pass pass() {
    return new Pass();
  }

  /** Scoring passes kept between calls, so scoring allocates no buffers once warm. */
  private final java.util.concurrent.ConcurrentLinkedQueue<Pass> idlePasses = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** A pooled pass (or a new one); hand it back with {@link #givePass}. */
  Pass takePass() {
    Pass p = idlePasses.poll();
    return p == null ? new Pass() : p;
  }

  void givePass(Pass p) {
    idlePasses.offer(p);
  }

  /** Row {@code rows[b]} (or {@code b} when rows is null) for b in [from, to). */
  static int row(int[] rows, int b) {
    return rows == null ? b : rows[b];
  }

  /** Logits y_FM + y_DNN of the rows {@code rows[from .. to)} into {@code p.logits[0 .. to-from)}. */
  void forward(VectorKernels k, FieldSlots slots, int[] rows, int from, int to, Pass p) {
    forward(k, slots, rows, from, to, p, 0f, null);
  }

  /** The training forward: as above, with dropout in the MLP (see {@link Mlp#forward}). */
  void forward(VectorKernels k, FieldSlots slots, int[] rows, int from, int to, Pass p, float dropout, WorkerRandom random) {
    int m = to - from;
    p.ensure(m);
    int width = numFields * dim;
    float[] e = p.e;
    float[] sums = p.sums;
    float bias = linear[numFeatures];
    for (int b = 0; b < m; b++) {
      int r = row(rows, from + b);
      int eb = b * width;
      int sb = b * dim;
      java.util.Arrays.fill(sums, sb, sb + dim, 0f);
      double y = bias;
      double squares = 0;
      for (int f = 0; f < numFields; f++) {
        int i = slots.feature(r, f);
        float x = slots.value(r, f);
        y += linear[i] * x;
        int vi = i * dim;
        int ef = eb + f * dim;
        for (int d = 0; d < dim; d++) {
          float v = embeddings[vi + d] * x;
          e[ef + d] = v;
          sums[sb + d] += v;
          squares += v * v;
        }
      }
      double pairs = 0;
      for (int d = 0; d < dim; d++) {
        pairs += sums[sb + d] * sums[sb + d];
      }
      p.logits[b] = (float) (y + 0.5 * (pairs - squares));
    }
    float[] deep = mlp.forward(k, e, m, p.workspace, dropout, random);
    for (int b = 0; b < m; b++) {
      p.logits[b] += deep[b];
    }
  }
}
