package dev.funnel.rank.multitask.esmm;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.multitask.ClickConversionNet;
import dev.funnel.rank.nn.Activation;
import dev.funnel.rank.nn.Mlp;

/**
 * ESMM's network (Ma et al., SIGIR 2018, fig. 2): field embeddings feed two towers of the same shape,
 * a CTR tower giving logit a and a CVR tower giving logit c; pCTR = σ(a), pCVR = σ(c) and pCTCVR =
 * pCTR x pCVR (eq. 1). The product and the loss live in {@link
 * dev.funnel.rank.multitask.ClickConversionLoss}.
 *
 * <p>With {@code shared} the towers read the same embedding of each feature (ESMM); without, each
 * feature has two embeddings, one per tower (the paper's ESMM-NS ablation, and with the clicked-only
 * loss two independent models: its BASE). Unshared, the table holds 2·dim per feature, the CTR half
 * first, and the forward splits each row into the two towers' inputs.
 */
public final class EsmmNet extends ClickConversionNet {
  final Mlp ctrTower;
  final Mlp cvrTower;
  final boolean shared;
  final int towerDim;

  public EsmmNet(FieldMap fields, int dim, int[] hidden, Activation activation, boolean shared) {
    super(fields, shared ? dim : 2 * dim);
    this.shared = shared;
    this.towerDim = dim;
    int width = fields.numFields() * dim;
    ctrTower = new Mlp(width, hidden, 1, activation);
    cvrTower = new Mlp(width, hidden, 1, activation);
  }

  @Override
  public Mlp[] mlps() {
    return new Mlp[] {ctrTower, cvrTower};
  }

  @Override
  public Dense dense() {
    return new Towers();
  }

  private final class Towers extends Dense {
    private float[] dTower = new float[0];
    private float[] dxPart = new float[0];
    private float[] xCtr = new float[0];
    private float[] xCvr = new float[0];
    private float[] dxCtr = new float[0];

    Towers() {
      super(mlps());
    }

    private void ensure(int m) {
      int width = fields.numFields() * towerDim;
      if (dTower.length < m) {
        dTower = new float[m];
        dxPart = new float[m * width];
        if (!shared) {
          xCtr = new float[m * width];
          xCvr = new float[m * width];
          dxCtr = new float[m * width];
        }
      }
    }

    @Override
    public void forward(VectorKernels k, float[] x, int m, float[] logits) {
      ensure(m);
      float[] inCtr = x;
      float[] inCvr = x;
      if (!shared) {
        // row layout per field: [CTR half | CVR half] -> two contiguous tower inputs
        int chunks = m * fields.numFields();
        for (int s = 0; s < chunks; s++) {
          System.arraycopy(x, 2 * s * towerDim, xCtr, s * towerDim, towerDim);
          System.arraycopy(x, (2 * s + 1) * towerDim, xCvr, s * towerDim, towerDim);
        }
        inCtr = xCtr;
        inCvr = xCvr;
      }
      float[] a = ctrTower.forward(k, inCtr, m, workspaces[0]);
      for (int b = 0; b < m; b++) {
        logits[2 * b] = a[b];
      }
      float[] c = cvrTower.forward(k, inCvr, m, workspaces[1]);
      for (int b = 0; b < m; b++) {
        logits[2 * b + 1] = c[b];
      }
    }

    @Override
    public void backward(VectorKernels k, float[] x, int m, float[] dLogits, float[] dx) {
      ensure(m);
      int width = fields.numFields() * towerDim;
      for (int b = 0; b < m; b++) {
        dTower[b] = dLogits[2 * b];
      }
      ctrTower.backward(k, shared ? x : xCtr, dTower, m, shared ? dx : dxCtr, workspaces[0]);
      for (int b = 0; b < m; b++) {
        dTower[b] = dLogits[2 * b + 1];
      }
      cvrTower.backward(k, shared ? x : xCvr, dTower, m, dxPart, workspaces[1]);
      if (shared) {
        for (int i = 0; i < m * width; i++) {
          dx[i] += dxPart[i];
        }
        return;
      }
      int chunks = m * fields.numFields();
      for (int s = 0; s < chunks; s++) {
        System.arraycopy(dxCtr, s * towerDim, dx, 2 * s * towerDim, towerDim);
        System.arraycopy(dxPart, s * towerDim, dx, (2 * s + 1) * towerDim, towerDim);
      }
    }
  }
}
