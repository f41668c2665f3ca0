package dev.funnel.rank.dcn;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.nn.Linear;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.optim.EmbeddingTable;
import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.RowOptimizer;

/**
 * DCN-V2's cross network (Wang et al., WWW 2021, eq. 1): L cross layers over the input x0 of width D,
 *
 * <pre>
 *   x_{l+1} = x0 ⊙ (W_l x_l + b_l) + x_l
 * </pre>
 *
 * with a full-rank W_l (D x D), or the paper's low-rank form W_l = U_l V_lᵀ (eq. 2, rank r: V maps D
 * to r, U maps r back to D; V's bias is kept, a redundant reparametrisation of b_l). Each map is a
 * {@link Linear}, so forward and backward are the kernels' GEMMs. Backward, with g = dL/dx_{l+1} and
 * y_l = W_l x_l + b_l: dL/dy_l = g ⊙ x0, dL/dx_l = g + W_lᵀ (g ⊙ x0), and x0 collects g ⊙ y_l from
 * every layer on top of the identity path.
 */
public final class CrossNetwork {
  private final int width;
  private final int rank;
  /** Per layer: [W] full rank, or [V, U] low rank. */
  private final Linear[][] maps;

  /** A zero network of {@code layers} cross layers over width D; rank 0 = full rank. */
  public CrossNetwork(int width, int layers, int rank) {
    this(width, rank, fresh(width, layers, rank));
  }

  /** Over existing maps (e.g. read from a model file). */
  public CrossNetwork(int width, int rank, Linear[][] maps) {
    if (width < 1 || rank < 0 || rank >= width && rank != 0) {
      throw new IllegalArgumentException("cross network needs width >= 1 and 0 <= rank < width; width=" + width + ", rank=" + rank);
    }
    for (int l = 0; l < maps.length; l++) {
      Linear[] m = maps[l];
      boolean ok = rank == 0 ? m.length == 1 && m[0].in() == width && m[0].out() == width
          : m.length == 2 && m[0].in() == width && m[0].out() == rank && m[1].in() == rank && m[1].out() == width;
      if (!ok) {
        throw new IllegalArgumentException("cross layer " + l + " does not map width " + width + " at rank " + rank);
      }
    }
    this.width = width;
    this.rank = rank;
    this.maps = maps.clone();
  }

  private static Linear[][] fresh(int width, int layers, int rank) {
    if (layers < 0) {
      throw new IllegalArgumentException("crossLayers must be >= 0; crossLayers=" + layers);
    }
    Linear[][] m = new Linear[layers][];
    for (int l = 0; l < layers; l++) {
      m[l] = rank == 0 ? new Linear[] {new Linear(width, width)} : new Linear[] {new Linear(width, Math.max(rank, 1)),
          new Linear(Math.max(rank, 1), width)};
    }
    return m;
  }

  public int width() {
    return width;
  }

  public int layers() {
    return maps.length;
  }

  /** 0 for full rank. */
  public int rank() {
    return rank;
  }

  /** Every map's parameter array (W then b), layer by layer (V before U at low rank). */
  public float[][] params() {
    float[][] p = new float[maps.length * (rank == 0 ? 1 : 2)][];
    int i = 0;
    for (Linear[] m : maps) {
      for (Linear l : m) {
        p[i++] = l.params();
      }
    }
    return p;
  }

  /** The maps as a flat list, in {@link #params()} order. */
  public Linear[] linears() {
    Linear[] all = new Linear[maps.length * (rank == 0 ? 1 : 2)];
    int i = 0;
    for (Linear[] m : maps) {
      for (Linear l : m) {
        all[i++] = l;
      }
    }
    return all;
  }

  public void initGlorot(WorkerRandom random) {
    for (Linear l : linears()) {
      l.initGlorot(random);
    }
  }

  /** Runs x0 (m x D) through the layers; returns the workspace array whose first m x D values are x_L. */
  public float[] forward(VectorKernels k, float[] x0, int m, Workspace w) {
    w.ensure(this, m);
    int n = m * width;
    float[] x = x0;
    for (int l = 0; l < maps.length; l++) {
      float[] y = w.y[l];
      if (rank == 0) {
        maps[l][0].forward(k, x, m, y);
      } else {
        maps[l][0].forward(k, x, m, w.t[l]);
        maps[l][1].forward(k, w.t[l], m, y);
      }
      float[] next = w.x[l + 1];
      for (int j = 0; j < n; j++) {
        next[j] = x0[j] * y[j] + x[j];
      }
      x = next;
    }
    return x;
  }

  /**
   * Back-propagates {@code dOut} = dL/dx_L (m x D; overwritten) through the last forward on {@code x0}:
   * accumulates the maps' gradients into the workspace and <em>adds</em> dL/dx0 to {@code dx0}.
   */
  public void backward(VectorKernels k, float[] x0, float[] dOut, int m, float[] dx0, Workspace w) {
    int n = m * width;
    float[] g = dOut;
    float[] dy = w.dy;
    float[] tmp = w.tmp;
    int gi = 0;
    for (int l = maps.length - 1; l >= 0; l--) {
      float[] y = w.y[l];
      for (int j = 0; j < n; j++) {
        dy[j] = g[j] * x0[j];
        dx0[j] += g[j] * y[j];
      }
      float[] xl = l == 0 ? x0 : w.x[l];
      if (rank == 0) {
        maps[l][0].backward(k, xl, dy, m, tmp, w.grad[l * 1], w.scratch);
      } else {
        maps[l][1].backward(k, w.t[l], dy, m, w.dt, w.grad[2 * l + 1], w.scratch);
        maps[l][0].backward(k, xl, w.dt, m, tmp, w.grad[2 * l], w.scratch);
      }
      for (int j = 0; j < n; j++) {
        g[j] += tmp[j]; // dL/dx_l = identity path + map path
      }
    }
    for (int j = 0; j < n; j++) {
      dx0[j] += g[j];
    }
  }

  /** One optimizer per map, over its whole parameter array as one row. */
  public RowOptimizer[] optimizers(OptimizerConfig config) {
    Linear[] all = linears();
    RowOptimizer[] o = new RowOptimizer[all.length];
    for (int i = 0; i < all.length; i++) {
      float[] p = all[i].params();
      o[i] = config.create(new EmbeddingTable(1, p.length, p));
    }
    return o;
  }

  /** Applies and zeroes the accumulated gradients of {@code w}. */
  public void step(RowOptimizer[] optimizers, Workspace w) {
    for (int i = 0; i < optimizers.length; i++) {
      optimizers[i].update(0, w.grad[i], 0);
      java.util.Arrays.fill(w.grad[i], 0f);
    }
  }

  public Workspace workspace() {
    return new Workspace(this);
  }

  /** One thread's buffers: x_l and y_l per layer (t_l at low rank), backward scratch, the gradients. */
  public static final class Workspace {
    final float[][] x;
    final float[][] y;
    final float[][] t;
    final float[][] grad;
    float[] dy = new float[0];
    float[] tmp = new float[0];
    float[] dt = new float[0];
    final Linear.Scratch scratch = new Linear.Scratch();
    private int rows;

    Workspace(CrossNetwork net) {
      int layers = net.maps.length;
      x = new float[layers + 1][0];
      y = new float[layers][0];
      t = new float[layers][0];
      Linear[] all = net.linears();
      grad = new float[all.length][];
      for (int i = 0; i < all.length; i++) {
        grad[i] = new float[all[i].params().length];
      }
    }

    /** Map i's accumulated gradient (in {@link CrossNetwork#params()} order). */
    public float[] grad(int i) {
      return grad[i];
    }

    void ensure(CrossNetwork net, int m) {
      if (m <= rows) {
        return;
      }
      int n = m * net.width;
      for (int l = 0; l < y.length; l++) {
        x[l + 1] = new float[n];
        y[l] = new float[n];
        t[l] = net.rank == 0 ? null : new float[m * net.rank];
      }
      dy = new float[n];
      tmp = new float[n];
      dt = new float[m * Math.max(net.rank, 1)];
      rows = m;
    }
  }
}
