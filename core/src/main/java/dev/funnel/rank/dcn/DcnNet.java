package dev.funnel.rank.dcn;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldSlots;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.nn.Linear;
import dev.funnel.rank.nn.Mlp;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.loss.Logistic;

/**
 * DCN-V2's parameters, forward and hand-written backward (Wang et al., WWW 2021, fig. 2), plus the
 * wide term that makes the same network Wide&amp;Deep (Cheng et al., DLRS 2016). With x0 = [x_1 v_{i_1},
 * ..., x_F v_{i_F}] the concatenated field embeddings and x_L the {@link CrossNetwork}'s output:
 *
 * <pre>
 *   stacked:  logit = MLP(x_L)                       (MLP ends in a linear map to 1)
 *   parallel: logit = MLP(x0) + w_cᵀ x_L + c         (= one linear map over [deep, cross], as the paper)
 *   wide:     logit += w0 + Σ_f w_{i_f} x_f
 * </pre>
 */
public final class DcnNet {
  final DcnShape shape;
  final int numFeatures;
  final int numFields;
  final int dim;
  final float[] embeddings;
  /** First-order weights, bias last; null without the wide term. */
  final float[] linear;
  final CrossNetwork cross;
  /** The parallel structure's map from x_L to the logit; null when stacked. */
  final Linear crossOut;
  final Mlp mlp;

  DcnNet(DcnShape shape, int numFeatures, int numFields, float[] embeddings, float[] linear, CrossNetwork cross, Linear crossOut,
      Mlp mlp) {
    int width = numFields * shape.dim();
    if (embeddings.length != (long) numFeatures * shape.dim() || (linear == null) == shape.wide()
        || linear != null && linear.length != numFeatures + 1 || cross.width() != width || cross.layers() != shape.crossLayers()
        || (crossOut == null) == shape.parallel() || crossOut != null && (crossOut.in() != width || crossOut.out() != 1)
        || mlp.in() != width || mlp.out() != 1) {
      throw new IllegalArgumentException("DCN weights do not fit " + numFeatures + " features in " + numFields + " fields of " + shape);
    }
    this.shape = shape;
    this.numFeatures = numFeatures;
    this.numFields = numFields;
    this.dim = shape.dim();
    this.embeddings = embeddings;
    this.linear = linear;
    this.cross = cross;
    this.crossOut = crossOut;
    this.mlp = mlp;
  }

  /** A fresh network: Gaussian embeddings (std {@code initStd}), zero wide weights, Glorot dense layers. */
  static DcnNet init(DcnShape shape, int numFeatures, int numFields, double initStd, long seed) {
    WorkerRandom random = new WorkerRandom(seed);
    float[] embeddings = new float[numFeatures * shape.dim()];
    for (int i = 0; i < embeddings.length; i++) {
      embeddings[i] = (float) (random.nextGaussian() * initStd);
    }
    int width = numFields * shape.dim();
    CrossNetwork cross = new CrossNetwork(width, shape.crossLayers(), shape.lowRank());
    cross.initGlorot(random);
    Linear crossOut = null;
    if (shape.parallel()) {
      crossOut = new Linear(width, 1);
      crossOut.initGlorot(random);
    }
    Mlp mlp = new Mlp(width, shape.hidden(), 1, shape.activation(), shape.batchNorm());
    mlp.initGlorot(random);
    return new DcnNet(shape, numFeatures, numFields, embeddings, shape.wide() ? new float[numFeatures + 1] : null, cross, crossOut, mlp);
  }

  /** Every array of trained state, for snapshots and the model file (fixed order). */
  float[][] stateArrays() {
    float[][] c = cross.params();
    float[][] m = mlp.stateArrays();
    float[][] all = new float[1 + (linear == null ? 0 : 1) + c.length + (crossOut == null ? 0 : 1) + m.length][];
    int i = 0;
    all[i++] = embeddings;
    if (linear != null) {
      all[i++] = linear;
    }
    for (float[] p : c) {
      all[i++] = p;
    }
    if (crossOut != null) {
      all[i++] = crossOut.params();
    }
    for (float[] p : m) {
      all[i++] = p;
    }
    return all;
  }

  static int row(int[] rows, int b) {
    return rows == null ? b : rows[b];
  }

  Pass pass() {
    return new Pass();
  }

  /** One thread's forward buffers and (when training) its gradient accumulators. */
  final class Pass {
    float[] e = new float[0];
    float[] logits = new float[0];
    float[] xL;
    final CrossNetwork.Workspace crossSpace = cross.workspace();
    final Mlp.Workspace mlpSpace = mlp.workspace();
    float[] dOut = new float[0];
    float[] dXL = new float[0];
    float[] dE = new float[0];
    float[] crossOutGrad = crossOut == null ? null : new float[crossOut.params().length];
    final Linear.Scratch scratch = new Linear.Scratch();
    float[] embeddingGrad;
    float[] linearGrad;
    float biasGrad;
    int[] touched;
    int touchedCount;
    boolean[] isTouched;
    private float[] co = new float[0];

    void ensure(int m) {
      if (logits.length < m) {
        int width = numFields * dim;
        e = new float[m * width];
        logits = new float[m];
        co = new float[m];
        dOut = new float[m];
        dXL = new float[m * width];
        dE = new float[m * width];
      }
    }

    void ensureGradients() {
      if (embeddingGrad == null) {
        embeddingGrad = new float[numFeatures * dim];
        linearGrad = new float[numFeatures];
        touched = new int[numFeatures];
        isTouched = new boolean[numFeatures];
      }
    }

    /** Logits of rows {@code rows[from .. to)} into {@code logits}; training when {@code random} is not null. */
    void forward(VectorKernels k, FieldSlots slots, int[] rows, int from, int to, float dropout, WorkerRandom random) {
      int m = to - from;
      ensure(m);
      int width = numFields * dim;
      for (int b = 0; b < m; b++) {
        int r = row(rows, from + b);
        double y = linear == null ? 0 : linear[numFeatures];
        for (int f = 0; f < numFields; f++) {
          int i = slots.feature(r, f);
          float x = slots.value(r, f);
          if (linear != null) {
            y += linear[i] * x;
          }
          int vi = i * dim;
          int ef = b * width + f * dim;
          for (int d = 0; d < dim; d++) {
            e[ef + d] = embeddings[vi + d] * x;
          }
        }
        logits[b] = (float) y;
      }
      xL = cross.forward(k, e, m, crossSpace);
      float[] deep = mlp.forward(k, shape.parallel() ? e : xL, m, mlpSpace, dropout, random);
      for (int b = 0; b < m; b++) {
        logits[b] += deep[b];
      }
      if (crossOut != null) {
        crossOut.forward(k, xL, m, co);
        for (int b = 0; b < m; b++) {
          logits[b] += co[b];
        }
      }
    }

    /**
     * Forward and backward of the mean weighted logistic loss on rows {@code rows[from .. to)}, part of
     * a mini-batch of {@code batchRows} rows; accumulates every gradient; returns the summed loss.
     */
    double train(VectorKernels k, FieldSlots slots, SampleBatch batch, int[] rows, int from, int to, int batchRows, float dropout,
        WorkerRandom random) {
      ensureGradients();
      int m = to - from;
      forward(k, slots, rows, from, to, dropout, random);
      float[] labels = batch.labels();
      double loss = 0;
      for (int b = 0; b < m; b++) {
        int r = row(rows, from + b);
        double y = logits[b];
        float w = batch.weight(r);
        loss += w * (Logistic.softplus(y) - labels[r] * y);
        dOut[b] = (float) ((Logistic.sigmoid(y) - labels[r]) * w / batchRows);
      }
      backward(k, m);
      int width = numFields * dim;
      for (int b = 0; b < m; b++) {
        int r = row(rows, from + b);
        float g = dOut[b];
        biasGrad += g;
        for (int f = 0; f < numFields; f++) {
          int i = slots.feature(r, f);
          float x = slots.value(r, f);
          if (!isTouched[i]) {
            isTouched[i] = true;
            touched[touchedCount++] = i;
          }
          linearGrad[i] += g * x;
          int ef = b * width + f * dim;
          int vi = i * dim;
          for (int d = 0; d < dim; d++) {
            embeddingGrad[vi + d] += x * dE[ef + d];
          }
        }
      }
      return loss;
    }

    /** dE = dL/dx0 (m x width) from dOut, accumulating the dense layers' gradients. */
    private void backward(VectorKernels k, int m) {
      int n = m * numFields * dim;
      float[] dOutCopy = java.util.Arrays.copyOf(dOut, m); // the MLP's backward may scale its dOut in place
      if (shape.parallel()) {
        mlp.backward(k, e, dOutCopy, m, dE, mlpSpace);
        crossOut.backward(k, xL, dOut, m, dXL, crossOutGrad, scratch);
      } else {
        mlp.backward(k, xL, dOutCopy, m, dXL, mlpSpace);
        java.util.Arrays.fill(dE, 0, n, 0f);
      }
      cross.backward(k, e, dXL, m, dE, crossSpace);
    }

    /** Adds {@code other}'s gradients (another part of the same mini-batch) to these and zeroes other's. */
    void absorb(Pass other) {
      for (int t = 0; t < other.touchedCount; t++) {
        int i = other.touched[t];
        if (!isTouched[i]) {
          isTouched[i] = true;
          touched[touchedCount++] = i;
        }
        linearGrad[i] += other.linearGrad[i];
        for (int d = i * dim; d < i * dim + dim; d++) {
          embeddingGrad[d] += other.embeddingGrad[d];
        }
      }
      biasGrad += other.biasGrad;
      other.clearSparse();
      for (int l = 0; l < mlp.depth(); l++) {
        add(mlpSpace.grad(l), other.mlpSpace.grad(l));
      }
      mlp.absorbNormGradients(mlpSpace, other.mlpSpace);
      for (int i = 0; i < cross.params().length; i++) {
        add(crossSpace.grad(i), other.crossSpace.grad(i));
      }
      if (crossOutGrad != null) {
        add(crossOutGrad, other.crossOutGrad);
      }
    }

    private void add(float[] into, float[] from) {
      for (int j = 0; j < into.length; j++) {
        into[j] += from[j];
      }
      java.util.Arrays.fill(from, 0f);
    }

    void clearSparse() {
      for (int t = 0; t < touchedCount; t++) {
        int i = touched[t];
        isTouched[i] = false;
        linearGrad[i] = 0f;
        java.util.Arrays.fill(embeddingGrad, i * dim, i * dim + dim, 0f);
      }
      touchedCount = 0;
      biasGrad = 0f;
    }
  }
}
