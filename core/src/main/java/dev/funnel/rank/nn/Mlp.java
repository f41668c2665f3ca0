package dev.funnel.rank.nn;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.RowOptimizer;

/**
 * A multi-layer perceptron: hidden {@link Linear} layers each followed by one {@link Activation},
 * then a linear output layer (no activation: the caller adds it to other logits), optionally with
 * dropout on the hidden outputs while training. Forward and
 * backward run on a mini-batch; the per-thread buffers and the accumulated gradients live in a
 * {@link Workspace}, so one (immutable once trained) stack can score on many threads.
 */
public final class Mlp {
  private final Linear[] layers;
  private final Activation activation;
  /** Optional {@link BatchNorm} after each hidden layer's linear map (before its activation); null: none. */
  private final BatchNorm[] norms;

  /** A zero stack in -> hidden[0] -> ... -> out; call {@link #initGlorot} before training. */
  public Mlp(int in, int[] hidden, int out, Activation activation) {
    this(layers(in, hidden, out), activation);
  }

  /**
   * As {@link #Mlp(int, int[], int, Activation)}, with {@code batchNorm}: each hidden layer is Linear,
   * BatchNorm, activation, dropout (the order of FuxiCTR's MLP block).
   */
  public Mlp(int in, int[] hidden, int out, Activation activation, boolean batchNorm) {
    this(layers(in, hidden, out), batchNorm ? norms(hidden) : null, activation);
  }

  private static BatchNorm[] norms(int[] hidden) {
    BatchNorm[] n = new BatchNorm[hidden.length];
    for (int i = 0; i < hidden.length; i++) {
      n[i] = new BatchNorm(hidden[i]);
    }
    return n;
  }

  /** Over existing layers (e.g. read from a model file); consecutive sizes must agree. */
  public Mlp(Linear[] layers, Activation activation) {
    this(layers, null, activation);
  }

  /** Over existing layers and batch norms ({@code norms[i]} after hidden layer i; null: none). */
  public Mlp(Linear[] layers, BatchNorm[] norms, Activation activation) {
    if (layers.length == 0 || activation == null) {
      throw new IllegalArgumentException("an MLP needs at least one layer and an activation");
    }
    for (int i = 1; i < layers.length; i++) {
      if (layers[i].in() != layers[i - 1].out()) {
        throw new IllegalArgumentException("layer " + i + " takes " + layers[i].in() + " inputs but layer " + (i - 1)
            + " gives " + layers[i - 1].out());
      }
    }
    this.layers = layers.clone();
    this.activation = activation;
    if (norms != null) {
      if (norms.length != layers.length - 1) {
        throw new IllegalArgumentException("an MLP with " + (layers.length - 1) + " hidden layers needs as many batch norms; got "
            + norms.length);
      }
      for (int i = 0; i < norms.length; i++) {
        if (norms[i].width() != layers[i].out()) {
          throw new IllegalArgumentException("batch norm " + i + " has width " + norms[i].width() + " but layer " + i + " gives "
              + layers[i].out());
        }
      }
    }
    this.norms = norms == null ? null : norms.clone();
  }

  private static Linear[] layers(int in, int[] hidden, int out) {
    Linear[] l = new Linear[hidden.length + 1];
    int width = in;
    for (int i = 0; i < hidden.length; i++) {
      l[i] = new Linear(width, hidden[i]);
      width = hidden[i];
    }
    l[hidden.length] = new Linear(width, out);
    return l;
  }

  public void initGlorot(WorkerRandom random) {
    for (Linear l : layers) {
      l.initGlorot(random);
    }
  }

  public int depth() {
    return layers.length;
  }

  public Linear layer(int i) {
    return layers[i];
  }

  public Activation activation() {
    return activation;
  }

  /** The batch norm after hidden layer i, or null when the stack has none. */
  public BatchNorm norm(int i) {
    return norms == null ? null : norms[i];
  }

  public int in() {
    return layers[0].in();
  }

  public int out() {
    return layers[layers.length - 1].out();
  }

  /**
   * Runs {@code x} (m x in) through the stack; returns the workspace's output array, whose first
   * m x out values are the result (valid until the workspace's next forward).
   */
  public float[] forward(VectorKernels k, float[] x, int m, Workspace w) {
    return forward(k, x, m, w, 0f, null);
  }

  /**
   * The training forward: as {@link #forward(VectorKernels, float[], int, Workspace)}, with inverted
   * dropout (Srivastava et al., JMLR 2014) on every hidden layer's output when {@code dropout > 0}: a
   * unit is zeroed with probability {@code dropout} (drawn from {@code random}) and the survivors are
   * scaled by 1 / (1 - dropout), so inference needs no rescaling. {@link #backward} uses the same mask.
   * A non-null {@code random} marks training: batch norms, if any, use the batch's statistics (else
   * the running ones); the running statistics move only by {@link #trackStatistics}.
   */
  public float[] forward(VectorKernels k, float[] x, int m, Workspace w, float dropout, WorkerRandom random) {
    if (!(dropout >= 0f && dropout < 1f)) {
      throw new IllegalArgumentException("dropout must be in [0, 1); dropout=" + dropout);
    }
    w.ensure(this, m);
    w.dropped = dropout > 0f;
    float keep = 1f / (1f - dropout);
    float[] input = x;
    for (int i = 0; i < layers.length; i++) {
      layers[i].forward(k, input, m, w.z[i]);
      if (i < layers.length - 1) {
        int n = m * layers[i].out();
        if (norms != null) {
          if (random != null) {
            norms[i].forwardTraining(w.z[i], m, w.norms[i]);
          } else {
            norms[i].forwardInference(w.z[i], m);
          }
        }
        activation.forward(w.z[i], w.a[i], n);
        input = w.a[i];
        if (w.dropped) {
          float[] mask = w.mask[i];
          float[] o = w.o[i];
          for (int j = 0; j < n; j++) {
            mask[j] = random.nextFloat() < dropout ? 0f : keep;
            o[j] = w.a[i][j] * mask[j];
          }
          input = o;
        }
      }
    }
    return w.z[layers.length - 1];
  }

  /**
   * Back-propagates {@code dOut} (m x out, dL/d output) through the last forward of {@code w} on the
   * same {@code x} (and dropout mask): accumulates every layer's gradient into {@link Workspace#grad}
   * and, unless {@code dx} is null, overwrites {@code dx[0 .. m*in)} with dL/dx.
   */
  public void backward(VectorKernels k, float[] x, float[] dOut, int m, float[] dx, Workspace w) {
    float[] d = dOut;
    for (int i = layers.length - 1; i >= 0; i--) {
      if (i < layers.length - 1) {
        int n = m * layers[i].out();
        if (w.dropped) {
          float[] mask = w.mask[i];
          for (int j = 0; j < n; j++) {
            d[j] *= mask[j];
          }
        }
        if (activation == Activation.RELU) {
          k.reluBackward(w.z[i], 0, d, 0, d, 0, n); // the same function, with SIMD lane masks
        } else {
          activation.backward(w.z[i], w.a[i], d, d, n);
        }
        if (norms != null) {
          norms[i].backward(d, m, w.norms[i], w.normGrad[i]);
        }
      }
      float[] input = i == 0 ? x : (w.dropped ? w.o[i - 1] : w.a[i - 1]);
      float[] next = i == 0 ? dx : (d == w.d0 ? w.d1 : w.d0);
      layers[i].backward(k, input, d, m, next, w.grad[i], w.scratch);
      d = next;
    }
  }

  /** One optimizer per layer, each over the layer's whole parameter array as a single row. */
  public RowOptimizer[] optimizers(OptimizerConfig config) {
    RowOptimizer[] o = new RowOptimizer[layers.length + (norms == null ? 0 : norms.length)];
    for (int i = 0; i < layers.length; i++) {
      float[] p = layers[i].params();
      o[i] = config.create(new EmbeddingTable(1, p.length, p));
    }
    for (int i = 0; norms != null && i < norms.length; i++) { // batch norms: no weight decay on γ, β
      float[] p = norms[i].params();
      o[layers.length + i] = config.withWeightDecay(0).create(new EmbeddingTable(1, p.length, p));
    }
    return o;
  }

  /** Applies the accumulated gradients of {@code w} with {@code optimizers}, then zeroes them. */
  public void step(RowOptimizer[] optimizers, Workspace w) {
    for (int i = 0; i < layers.length; i++) {
      optimizers[i].update(0, w.grad[i], 0);
      java.util.Arrays.fill(w.grad[i], 0f);
    }
    for (int i = 0; norms != null && i < norms.length; i++) {
      optimizers[layers.length + i].update(0, w.normGrad[i], 0);
      java.util.Arrays.fill(w.normGrad[i], 0f);
    }
  }

  /**
   * After a training step whose forward ran on the workspaces {@code parts} (one per thread, each a
   * part of the mini-batch), moves every batch norm's running statistics (see {@link BatchNorm#track}).
   * No-op without batch norms.
   */
  public void trackStatistics(Workspace... parts) {
    for (int i = 0; norms != null && i < norms.length; i++) {
      BatchNorm.State[] s = new BatchNorm.State[parts.length];
      for (int p = 0; p < parts.length; p++) {
        s[p] = parts[p].norms[i];
      }
      norms[i].track(s);
    }
  }

  /** Adds {@code other}'s batch-norm gradients (another part of the same mini-batch) to {@code into}'s and zeroes other's. */
  public void absorbNormGradients(Workspace into, Workspace other) {
    for (int i = 0; norms != null && i < norms.length; i++) {
      for (int j = 0; j < into.normGrad[i].length; j++) {
        into.normGrad[i][j] += other.normGrad[i][j];
      }
      java.util.Arrays.fill(other.normGrad[i], 0f);
    }
  }

  /** Every array holding trained state (layer parameters, then batch-norm parameters and running statistics), for snapshots. */
  public float[][] stateArrays() {
    int nn = norms == null ? 0 : norms.length;
    float[][] s = new float[layers.length + 2 * nn][];
    for (int i = 0; i < layers.length; i++) {
      s[i] = layers[i].params();
    }
    for (int i = 0; i < nn; i++) {
      s[layers.length + 2 * i] = norms[i].params();
      s[layers.length + 2 * i + 1] = norms[i].running();
    }
    return s;
  }

  /** A fresh workspace (buffers grow to the largest batch seen). */
  public Workspace workspace() {
    return new Workspace(this);
  }

  /** One thread's buffers: per-layer pre-activations z and activations a, two gradient buffers, the gradients. */
  public static final class Workspace {
    final float[][] z;
    final float[][] a;
    final float[][] grad;
    /** Dropout masks and the dropped outputs of the hidden layers (allocated on first use). */
    final float[][] mask;
    final float[][] o;
    boolean dropped;
    float[] d0 = new float[0];
    float[] d1 = new float[0];
    final Linear.Scratch scratch = new Linear.Scratch();
    /** Batch-norm training states and γ/β gradients, per hidden layer (empty without batch norms). */
    final BatchNorm.State[] norms;
    final float[][] normGrad;
    private int rows;

    Workspace(Mlp mlp) {
      int n = mlp.layers.length;
      z = new float[n][0];
      a = new float[n][0];
      mask = new float[n][0];
      o = new float[n][0];
      grad = new float[n][];
      for (int i = 0; i < n; i++) {
        grad[i] = new float[mlp.layers[i].params().length];
      }
      int nn = mlp.norms == null ? 0 : mlp.norms.length;
      norms = new BatchNorm.State[nn];
      normGrad = new float[nn][];
      for (int i = 0; i < nn; i++) {
        norms[i] = new BatchNorm.State();
        normGrad[i] = new float[mlp.norms[i].params().length];
      }
    }

    /** Batch norm i's accumulated gradient, laid out as its {@link BatchNorm#params()}. */
    public float[] normGrad(int i) {
      return normGrad[i];
    }

    /** Layer i's accumulated gradient, laid out as its {@link Linear#params()}. */
    public float[] grad(int i) {
      return grad[i];
    }

    void ensure(Mlp mlp, int m) {
      if (m <= rows) {
        return;
      }
      int widest = 0;
      for (int i = 0; i < mlp.layers.length; i++) {
        int size = m * mlp.layers[i].out();
        z[i] = new float[size];
        a[i] = i < mlp.layers.length - 1 ? new float[size] : z[i];
        mask[i] = i < mlp.layers.length - 1 ? new float[size] : null;
        o[i] = i < mlp.layers.length - 1 ? new float[size] : null;
        widest = Math.max(widest, size);
      }
      d0 = new float[widest];
      d1 = new float[widest];
      rows = m;
    }
  }
}
