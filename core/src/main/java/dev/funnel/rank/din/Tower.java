package dev.funnel.rank.din;

import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.nn.Linear;
import dev.funnel.rank.nn.ParametricActivation;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.RowOptimizer;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A stack of {@link Linear} layers with a {@link ParametricActivation} (PReLU or Dice) after each
 * hidden one and a linear output: DIN's activation unit and its top MLP. Per-thread buffers and the
 * accumulated gradients live in a {@link Work}.
 */
final class Tower {
  final Linear[] layers;
  final ParametricActivation[] activations;

  Tower(Linear[] layers, ParametricActivation[] activations) {
    if (layers.length != activations.length + 1) {
      throw new IllegalArgumentException(layers.length + " layers need " + (layers.length - 1) + " activations; got " + activations.length);
    }
    for (int i = 1; i < layers.length; i++) {
      if (layers[i].in() != layers[i - 1].out() || activations[i - 1].width() != layers[i - 1].out()) {
        throw new IllegalArgumentException("layer " + i + " takes " + layers[i].in() + " inputs but layer " + (i - 1) + " gives "
            + layers[i - 1].out() + " through an activation of width " + activations[i - 1].width());
      }
    }
    this.layers = layers;
    this.activations = activations;
  }

  /** A Glorot-initialised in -> hidden... -> out stack. */
  static Tower create(int in, int[] hidden, int out, DinActivation kind, WorkerRandom random) {
    Linear[] l = new Linear[hidden.length + 1];
    ParametricActivation[] a = new ParametricActivation[hidden.length];
    int width = in;
    for (int i = 0; i < hidden.length; i++) {
      l[i] = new Linear(width, hidden[i]);
      a[i] = kind.create(hidden[i]);
      width = hidden[i];
    }
    l[hidden.length] = new Linear(width, out);
    for (Linear layer : l) {
      layer.initGlorot(random);
    }
    return new Tower(l, a);
  }

  int in() {
    return layers[0].in();
  }

  int out() {
    return layers[layers.length - 1].out();
  }

  /** Every array of trained state: layer parameters, activation parameters and activation statistics. */
  void collectState(java.util.List<float[]> into) {
    for (Linear l : layers) {
      into.add(l.params());
    }
    for (ParametricActivation a : activations) {
      into.add(a.params());
      if (a.state().length > 0) {
        into.add(a.state());
      }
    }
  }

  /** Optimizers for the layers (with {@code dense}) then the activations' parameters (with {@code plain}). */
  RowOptimizer[] optimizers(OptimizerConfig dense, OptimizerConfig plain) {
    RowOptimizer[] o = new RowOptimizer[layers.length + activations.length];
    for (int i = 0; i < layers.length; i++) {
      float[] p = layers[i].params();
      o[i] = dense.create(new EmbeddingTable(1, p.length, p));
    }
    for (int i = 0; i < activations.length; i++) {
      float[] p = activations[i].params();
      o[layers.length + i] = plain.create(new EmbeddingTable(1, p.length, p));
    }
    return o;
  }

  /** Applies and zeroes the gradients accumulated in {@code w}. */
  void step(RowOptimizer[] optimizers, Work w) {
    for (int i = 0; i < layers.length; i++) {
      optimizers[i].update(0, w.layerGrad[i], 0);
      java.util.Arrays.fill(w.layerGrad[i], 0f);
    }
    for (int i = 0; i < activations.length; i++) {
      optimizers[layers.length + i].update(0, w.activationGrad[i], 0);
      java.util.Arrays.fill(w.activationGrad[i], 0f);
    }
  }

  Work work() {
    return new Work();
  }

  /** Runs x (m x in) through the stack; returns the work's output array (first m x out values). */
  float[] forward(VectorKernels k, float[] x, int m, Work w, boolean training) {
    w.ensure(m);
    float[] input = x;
    for (int i = 0; i < layers.length; i++) {
      layers[i].forward(k, input, m, w.z[i]);
      if (i < activations.length) {
        activations[i].forward(w.z[i], w.a[i], m, w.cache[i], training);
        input = w.a[i];
      }
    }
    return w.z[layers.length - 1];
  }

  /** Back-propagates dOut (m x out; overwritten) through the last forward of w on x; dx (unless null) gets dL/dx. */
  void backward(VectorKernels k, float[] x, float[] dOut, int m, float[] dx, Work w) {
    float[] d = dOut;
    for (int i = layers.length - 1; i >= 0; i--) {
      if (i < activations.length) {
        activations[i].backward(w.z[i], d, d, m, w.cache[i], w.activationGrad[i]);
      }
      float[] input = i == 0 ? x : w.a[i - 1];
      float[] next = i == 0 ? dx : (d == w.d0 ? w.d1 : w.d0);
      layers[i].backward(k, input, d, m, next, w.layerGrad[i], w.scratch);
      d = next;
    }
  }

  void write(DataOutput out) throws IOException {
    for (Linear l : layers) {
      BinaryIO.writeFloats(out, l.params());
    }
    for (ParametricActivation a : activations) {
      BinaryIO.writeFloats(out, a.params());
      BinaryIO.writeFloats(out, a.state());
    }
  }

  static Tower read(DataInput in, int inputs, int[] hidden, int out, DinActivation kind) throws IOException {
    Linear[] l = new Linear[hidden.length + 1];
    int width = inputs;
    for (int i = 0; i <= hidden.length; i++) {
      int o = i < hidden.length ? hidden[i] : out;
      l[i] = new Linear(width, o, BinaryIO.readFloats(in));
      width = o;
    }
    ParametricActivation[] a = new ParametricActivation[hidden.length];
    for (int i = 0; i < hidden.length; i++) {
      float[] params = BinaryIO.readFloats(in);
      float[] state = BinaryIO.readFloats(in);
      if (params.length != hidden[i]) {
        throw new IllegalArgumentException("activation " + i + " has " + params.length + " parameters; its layer has " + hidden[i] + " units");
      }
      a[i] = kind.wrap(params, state);
    }
    return new Tower(l, a);
  }

  /** One thread's buffers and gradients. */
  final class Work {
    final float[][] z = new float[layers.length][0];
    final float[][] a = new float[activations.length][0];
    final float[][] cache = new float[activations.length][0];
    final float[][] layerGrad = new float[layers.length][];
    final float[][] activationGrad = new float[activations.length][];
    float[] d0 = new float[0];
    float[] d1 = new float[0];
    final Linear.Scratch scratch = new Linear.Scratch();
    private int rows = -1;

    Work() {
      for (int i = 0; i < layers.length; i++) {
        layerGrad[i] = new float[layers[i].params().length];
      }
      for (int i = 0; i < activations.length; i++) {
        activationGrad[i] = new float[activations[i].params().length];
      }
    }

    void ensure(int m) {
      if (m <= rows) {
        return;
      }
      int cap = Math.max(m, rows + (rows >> 1));
      int widest = 0;
      for (int i = 0; i < layers.length; i++) {
        z[i] = new float[cap * layers[i].out()];
        widest = Math.max(widest, cap * layers[i].out());
      }
      for (int i = 0; i < activations.length; i++) {
        a[i] = new float[cap * activations[i].width()];
        cache[i] = new float[activations[i].cacheSize(cap)];
      }
      d0 = new float[widest];
      d1 = new float[widest];
      rows = cap;
    }
  }
}
