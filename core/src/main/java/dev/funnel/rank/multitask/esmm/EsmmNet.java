package dev.funnel.rank.multitask.esmm;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.multitask.ClickConversionNet;
import dev.funnel.rank.nn.Activation;
import dev.funnel.rank.nn.Mlp;

/**
 * ESMM's network (Ma et al., SIGIR 2018, fig. 2): the shared field embeddings feed two towers of the
 * same shape, a CTR tower giving logit a and a CVR tower giving logit c; pCTR = σ(a), pCVR = σ(c) and
 * pCTCVR = pCTR x pCVR (eq. 1). The product and the loss live in {@link
 * dev.funnel.rank.multitask.ClickConversionLoss}.
 */
public final class EsmmNet extends ClickConversionNet {
  final Mlp ctrTower;
  final Mlp cvrTower;

  public EsmmNet(FieldMap fields, int dim, int[] hidden, Activation activation) {
    super(fields, dim);
    ctrTower = new Mlp(inputWidth(), hidden, 1, activation);
    cvrTower = new Mlp(inputWidth(), hidden, 1, activation);
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

    Towers() {
      super(mlps());
    }

    @Override
    public void forward(VectorKernels k, float[] x, int m, float[] logits) {
      float[] a = ctrTower.forward(k, x, m, workspaces[0]);
      for (int b = 0; b < m; b++) {
        logits[2 * b] = a[b];
      }
      float[] c = cvrTower.forward(k, x, m, workspaces[1]);
      for (int b = 0; b < m; b++) {
        logits[2 * b + 1] = c[b];
      }
    }

    @Override
    public void backward(VectorKernels k, float[] x, int m, float[] dLogits, float[] dx) {
      int width = inputWidth();
      if (dTower.length < m) {
        dTower = new float[m];
        dxPart = new float[m * width];
      }
      for (int b = 0; b < m; b++) {
        dTower[b] = dLogits[2 * b];
      }
      ctrTower.backward(k, x, dTower, m, dx, workspaces[0]);
      for (int b = 0; b < m; b++) {
        dTower[b] = dLogits[2 * b + 1];
      }
      cvrTower.backward(k, x, dTower, m, dxPart, workspaces[1]);
      for (int i = 0; i < m * width; i++) {
        dx[i] += dxPart[i];
      }
    }
  }
}
