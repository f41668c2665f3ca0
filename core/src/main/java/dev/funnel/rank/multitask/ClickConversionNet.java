package dev.funnel.rank.multitask;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.FieldSlots;
import dev.funnel.rank.nn.Mlp;
import dev.funnel.train.WorkerRandom;

/**
 * The parameters of a click-conversion network: one embedding table shared by both tasks (field
 * embeddings: row r's input is the concatenation [x_f v_{i_f}] over its fields f, i_f its feature in f
 * with value x_f) and a dense part, given by the subclass, that maps the F·dim input to a CTR logit
 * and a CVR logit per row. The dense parameters are {@link Mlp}s, listed by {@link #mlps()} in payload
 * order. Buffers live in per-thread {@link Dense} states, so a trained net scores on many threads.
 */
public abstract class ClickConversionNet {
  public final FieldMap fields;
  public final int dim;
  /** numFeatures x dim, row-major. */
  public final float[] embeddings;

  protected ClickConversionNet(FieldMap fields, int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be positive; dim=" + dim);
    }
    this.fields = fields;
    this.dim = dim;
    this.embeddings = new float[Math.multiplyExact(fields.numFeatures(), dim)];
  }

  /** The width F·dim of the dense part's input. */
  public int inputWidth() {
    return fields.numFields() * dim;
  }

  /** Every dense parameter block, in payload order. */
  public abstract Mlp[] mlps();

  /** A fresh per-thread state of the dense part. */
  public abstract Dense dense();

  /** Gaussian embeddings of standard deviation {@code initStd}; Glorot weights in every MLP. */
  public void init(double initStd, WorkerRandom random) {
    for (int i = 0; i < embeddings.length; i++) {
      embeddings[i] = (float) (random.nextGaussian() * initStd);
    }
    for (Mlp mlp : mlps()) {
      mlp.initGlorot(random);
    }
  }

  /** One thread's dense-part buffers: a workspace per {@link #mlps()} entry, in the same order. */
  public abstract static class Dense {
    public final Mlp.Workspace[] workspaces;

    protected Dense(Mlp[] mlps) {
      workspaces = new Mlp.Workspace[mlps.length];
      for (int i = 0; i < mlps.length; i++) {
        workspaces[i] = mlps[i].workspace();
      }
    }

    /** Logits of the m rows of {@code x} (m x F·dim): {@code logits[2b]} CTR, {@code logits[2b+1]} CVR. */
    public abstract void forward(VectorKernels k, float[] x, int m, float[] logits);

    /**
     * Back-propagates {@code dLogits} (laid out as the logits) through the last forward on {@code x}:
     * accumulates the MLP gradients into {@link #workspaces} and overwrites {@code dx} (m x F·dim).
     */
    public abstract void backward(VectorKernels k, float[] x, int m, float[] dLogits, float[] dx);
  }

  /** Row {@code rows[b]} (or b when rows is null). */
  static int row(int[] rows, int b) {
    return rows == null ? b : rows[b];
  }

  /** One thread's buffers for the whole net: the gathered embeddings, the logits and the dense state. */
  public final class Pass {
    public float[] x = new float[0];
    public float[] logits = new float[0];
    public final Dense dense = dense();

    void ensure(int m) {
      if (logits.length < 2 * m) {
        x = new float[m * inputWidth()];
        logits = new float[2 * m];
      }
    }
  }

  public Pass pass() {
    return new Pass();
  }

  /** Logits of rows {@code rows[from .. to)} into {@code p.logits[0 .. 2(to-from))}. */
  public void forward(VectorKernels k, FieldSlots slots, int[] rows, int from, int to, Pass p) {
    int m = to - from;
    p.ensure(m);
    int nf = fields.numFields();
    for (int b = 0; b < m; b++) {
      int r = row(rows, from + b);
      for (int f = 0; f < nf; f++) {
        int i = slots.feature(r, f);
        float v = slots.value(r, f);
        int at = (b * nf + f) * dim;
        for (int d = 0; d < dim; d++) {
          p.x[at + d] = embeddings[i * dim + d] * v;
        }
      }
    }
    p.dense.forward(k, p.x, m, p.logits);
  }
}
