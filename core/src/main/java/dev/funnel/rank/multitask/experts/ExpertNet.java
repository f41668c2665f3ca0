package dev.funnel.rank.multitask.experts;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.multitask.ClickConversionNet;
import dev.funnel.rank.nn.Activation;
import dev.funnel.rank.nn.Mlp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gated mixtures of experts over the shared field embeddings, for the two tasks CTR (0) and CVR (1):
 * PLE's Customized Gate Control (CGC) layers stacked {@code levels} deep (Tang et al., RecSys 2020,
 * eq. 2-5), of which MMoE (Ma et al., KDD 2018, eq. 5-6) is the one-level case without task-specific
 * experts.
 *
 * <p>Level l has, for each task t, {@code taskExperts} experts E_{t,j} and {@code sharedExperts}
 * shared experts E_{s,j}; an expert is an {@link Mlp} followed by the activation. Task t's gate is a
 * softmax over a linear map of its input, g_t = softmax(W_t x_t), weighting the task's own and the
 * shared experts: h_t = Σ_j g_{t,j} E_j(x_t). Below the last level a shared gate weighs every expert
 * of the level on the shared input and gives the shared input of the next level (the PLE
 * "extraction network"). At level 0 every input is the embedding x; the task outputs of the last
 * level feed one tower per task (an {@link Mlp} to one logit).
 *
 * <p>Backward: with dh_t the gradient of gate t's output, dE_j += g_{t,j} dh_t, dg_{t,j} = dh_t·E_j and
 * the softmax Jacobian gives dL/d(W_t x_t)_j = g_{t,j} (dg_{t,j} - Σ_k g_{t,k} dg_{t,k}); the expert
 * and gate MLPs back-propagate to their inputs, which add up per group (and over all groups at level 0).
 */
public final class ExpertNet extends ClickConversionNet {
  static final int TASKS = 2;

  private final int levels;
  private final int expertUnits;
  private final Activation activation;
  /** experts[l][g]: group g's experts at level l (g = 0, 1 the tasks, 2 shared). */
  private final Mlp[][][] experts;
  /** gates[l][g]: null for the shared group at the last level. */
  private final Mlp[][] gates;
  /** gateExperts[l][g]: the flat expert indices of level l gate g weighs, in gate-output order. */
  private final int[][][] gateExperts;
  /** flat expert index -> group, per level (same at every level). */
  private final int[] expertGroup;
  private final Mlp[] towers;
  private final Mlp[] all;

  /**
   * @param levels CGC levels, &gt;= 1
   * @param sharedExperts shared experts per level, &gt;= 0
   * @param taskExperts experts of each task per level, &gt;= 0 (each task's gate needs at least one expert)
   * @param expertHidden hidden layer sizes inside each expert (may be empty: one linear layer)
   * @param expertUnits output width of an expert
   * @param towerHidden hidden layer sizes of each task tower
   */
  public ExpertNet(FieldMap fields, int dim, int levels, int sharedExperts, int taskExperts, int[] expertHidden, int expertUnits,
      int[] towerHidden, Activation activation) {
    super(fields, dim);
    if (levels < 1 || sharedExperts < 0 || taskExperts < 0 || sharedExperts + taskExperts < 1 || expertUnits < 1) {
      throw new IllegalArgumentException("an expert net needs levels >= 1, expertUnits >= 1 and at least one expert per gate; levels="
          + levels + ", sharedExperts=" + sharedExperts + ", taskExperts=" + taskExperts + ", expertUnits=" + expertUnits);
    }
    this.levels = levels;
    this.expertUnits = expertUnits;
    this.activation = activation;
    experts = new Mlp[levels][TASKS + 1][];
    gates = new Mlp[levels][TASKS + 1];
    gateExperts = new int[levels][TASKS + 1][];
    int perLevel = TASKS * taskExperts + sharedExperts;
    expertGroup = new int[perLevel];
    List<Mlp> list = new ArrayList<>();
    for (int l = 0; l < levels; l++) {
      int width = l == 0 ? inputWidth() : expertUnits;
      int flat = 0;
      int[][] groupFlat = new int[TASKS + 1][];
      for (int g = 0; g <= TASKS; g++) {
        int count = g < TASKS ? taskExperts : sharedExperts;
        experts[l][g] = new Mlp[count];
        groupFlat[g] = new int[count];
        for (int j = 0; j < count; j++) {
          experts[l][g][j] = new Mlp(width, expertHidden, expertUnits, activation);
          list.add(experts[l][g][j]);
          expertGroup[flat] = g;
          groupFlat[g][j] = flat++;
        }
      }
      for (int g = 0; g <= TASKS; g++) {
        if (g == TASKS && l == levels - 1) {
          continue;
        }
        int[] over = g < TASKS ? concat(groupFlat[g], groupFlat[TASKS]) : concat(concat(groupFlat[0], groupFlat[1]), groupFlat[TASKS]);
        if (over.length == 0) {
          continue; // a shared gate with no experts at all cannot occur (checked above)
        }
        gateExperts[l][g] = over;
        gates[l][g] = new Mlp(width, new int[0], over.length, activation);
        list.add(gates[l][g]);
      }
    }
    towers = new Mlp[TASKS];
    for (int t = 0; t < TASKS; t++) {
      towers[t] = new Mlp(expertUnits, towerHidden, 1, activation);
      list.add(towers[t]);
    }
    all = list.toArray(new Mlp[0]);
  }

  private static int[] concat(int[] a, int[] b) {
    int[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Override
  public Mlp[] mlps() {
    return all.clone();
  }

  @Override
  public Dense dense() {
    return new Gated();
  }

  private int workspaceIndex(Mlp mlp) {
    for (int i = 0; i < all.length; i++) {
      if (all[i] == mlp) {
        return i;
      }
    }
    throw new IllegalStateException("not a block of this net");
  }

  private final class Gated extends Dense {
    private final int perLevel = expertGroup.length;
    private final int[][][] expertWs = new int[levels][TASKS + 1][];
    private final int[][] gateWs = new int[levels][TASKS + 1];
    private final int[] towerWs = new int[TASKS];
    private int rows;
    /** pre[l][e], post[l][e]: expert e's output before and after the activation (m x D). */
    private float[][][] pre;
    private float[][][] post;
    /** prob[l][g]: gate g's softmax (m x its experts). */
    private float[][][] prob;
    /** out[l][g]: gate g's mixture (m x D). */
    private float[][][] out;
    private float[][] dOut;
    private float[][] dIn;
    private float[][] dPost;
    private float[] dz;
    private float[] dGate;
    private float[] tmp;
    private float[] dTower;
    /** The input of each group at each level (level 0: x). */
    private final float[][][] in = new float[levels][TASKS + 1][];

    Gated() {
      super(all);
      for (int l = 0; l < levels; l++) {
        for (int g = 0; g <= TASKS; g++) {
          expertWs[l][g] = new int[experts[l][g].length];
          for (int j = 0; j < experts[l][g].length; j++) {
            expertWs[l][g][j] = workspaceIndex(experts[l][g][j]);
          }
          gateWs[l][g] = gates[l][g] == null ? -1 : workspaceIndex(gates[l][g]);
        }
      }
      for (int t = 0; t < TASKS; t++) {
        towerWs[t] = workspaceIndex(towers[t]);
      }
    }

    private void ensure(int m) {
      if (m <= rows) {
        return;
      }
      int d = expertUnits;
      int widest = Math.max(inputWidth(), d);
      pre = new float[levels][perLevel][m * d];
      post = new float[levels][perLevel][m * d];
      prob = new float[levels][TASKS + 1][];
      out = new float[levels][TASKS + 1][];
      for (int l = 0; l < levels; l++) {
        for (int g = 0; g <= TASKS; g++) {
          if (gates[l][g] != null) {
            prob[l][g] = new float[m * gateExperts[l][g].length];
            out[l][g] = new float[m * d];
          }
        }
      }
      dOut = new float[TASKS + 1][m * widest];
      dIn = new float[TASKS + 1][m * widest];
      dPost = new float[perLevel][m * d];
      dz = new float[m * d];
      dGate = new float[m * (perLevel + 1)];
      tmp = new float[m * widest];
      dTower = new float[m];
      rows = m;
    }

    @Override
    public void forward(VectorKernels k, float[] x, int m, float[] logits) {
      ensure(m);
      int d = expertUnits;
      int n = m * d;
      for (int l = 0; l < levels; l++) {
        for (int g = 0; g <= TASKS; g++) {
          in[l][g] = l == 0 ? x : out[l - 1][g];
        }
        int e = 0;
        for (int g = 0; g <= TASKS; g++) {
          for (int j = 0; j < experts[l][g].length; j++, e++) {
            float[] z = experts[l][g][j].forward(k, in[l][g], m, workspaces[expertWs[l][g][j]]);
            System.arraycopy(z, 0, pre[l][e], 0, n);
            activation.forward(pre[l][e], post[l][e], n);
          }
        }
        for (int g = 0; g <= TASKS; g++) {
          if (gates[l][g] == null) {
            continue;
          }
          int[] over = gateExperts[l][g];
          int c = over.length;
          float[] z = gates[l][g].forward(k, in[l][g], m, workspaces[gateWs[l][g]]);
          float[] p = prob[l][g];
          float[] h = out[l][g];
          Arrays.fill(h, 0, n, 0f);
          for (int b = 0; b < m; b++) {
            softmax(z, b * c, c, p);
            for (int j = 0; j < c; j++) {
              float w = p[b * c + j];
              float[] ej = post[l][over[j]];
              for (int q = b * d; q < b * d + d; q++) {
                h[q] += w * ej[q];
              }
            }
          }
        }
      }
      for (int t = 0; t < TASKS; t++) {
        float[] y = towers[t].forward(k, out[levels - 1][t], m, workspaces[towerWs[t]]);
        for (int b = 0; b < m; b++) {
          logits[2 * b + t] = y[b];
        }
      }
    }

    @Override
    public void backward(VectorKernels k, float[] x, int m, float[] dLogits, float[] dx) {
      int d = expertUnits;
      int n = m * d;
      for (int t = 0; t < TASKS; t++) {
        for (int b = 0; b < m; b++) {
          dTower[b] = dLogits[2 * b + t];
        }
        towers[t].backward(k, out[levels - 1][t], dTower, m, dOut[t], workspaces[towerWs[t]]);
      }
      for (int l = levels - 1; l >= 0; l--) {
        int width = l == 0 ? inputWidth() : d;
        for (int e = 0; e < perLevel; e++) {
          Arrays.fill(dPost[e], 0, n, 0f);
        }
        for (int g = 0; g <= TASKS; g++) {
          Arrays.fill(dIn[g], 0, m * width, 0f);
        }
        for (int g = 0; g <= TASKS; g++) {
          if (gates[l][g] == null) {
            continue;
          }
          int[] over = gateExperts[l][g];
          int c = over.length;
          float[] p = prob[l][g];
          float[] dh = dOut[g];
          for (int b = 0; b < m; b++) {
            double s = 0;
            for (int j = 0; j < c; j++) {
              float[] ej = post[l][over[j]];
              float[] dej = dPost[over[j]];
              float pj = p[b * c + j];
              double dp = 0;
              for (int q = b * d; q < b * d + d; q++) {
                dp += dh[q] * ej[q];
                dej[q] += pj * dh[q];
              }
              dGate[b * c + j] = (float) dp;
              s += pj * dp;
            }
            for (int j = 0; j < c; j++) {
              dGate[b * c + j] = (float) (p[b * c + j] * (dGate[b * c + j] - s));
            }
          }
          gates[l][g].backward(k, in[l][g], dGate, m, tmp, workspaces[gateWs[l][g]]);
          add(tmp, dIn[g], m * width);
        }
        int e = 0;
        for (int g = 0; g <= TASKS; g++) {
          for (int j = 0; j < experts[l][g].length; j++, e++) {
            activation.backward(pre[l][e], post[l][e], dPost[e], dz, n);
            experts[l][g][j].backward(k, in[l][g], dz, m, tmp, workspaces[expertWs[l][g][j]]);
            add(tmp, dIn[g], m * width);
          }
        }
        if (l > 0) {
          float[][] swap = dOut;
          dOut = dIn;
          dIn = swap;
        }
      }
      Arrays.fill(dx, 0, m * inputWidth(), 0f);
      for (int g = 0; g <= TASKS; g++) {
        add(dIn[g], dx, m * inputWidth());
      }
    }
  }

  private static void add(float[] from, float[] to, int n) {
    for (int i = 0; i < n; i++) {
      to[i] += from[i];
    }
  }

  /** Row softmax of {@code z[at .. at+c)} into {@code p[at .. at+c)}, max-shifted. */
  private static void softmax(float[] z, int at, int c, float[] p) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < c; j++) {
      max = Math.max(max, z[at + j]);
    }
    double sum = 0;
    for (int j = 0; j < c; j++) {
      double v = Math.exp(z[at + j] - max);
      p[at + j] = (float) v;
      sum += v;
    }
    for (int j = 0; j < c; j++) {
      p[at + j] = (float) (p[at + j] / sum);
    }
  }
}
