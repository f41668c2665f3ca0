package dev.funnel.rank.multitask;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldSlots;

/**
 * The gradients of one mini-batch's mean weighted {@link ClickConversionLoss}, by hand: the loss gives
 * dL/d(logits) per row, the dense part back-propagates them to dL/dx, and the embedding of feature i
 * collects dL/dv_i = Σ_{rows, fields with i_f = i} x_f dL/dx_f. Embedding gradients accumulate in a
 * dense array over the feature space with the touched features listed, so a feature seen by several
 * rows takes one optimizer step; the MLP gradients accumulate in the pass's workspaces.
 */
public final class ClickConversionGradients {
  final ClickConversionNet net;
  public final ClickConversionNet.Pass pass;
  public final float[] embeddingGrad;
  public final int[] touched;
  public int touchedCount;
  private final boolean[] isTouched;
  private float[] dLogits = new float[0];
  private float[] dx = new float[0];

  public ClickConversionGradients(ClickConversionNet net) {
    this.net = net;
    this.pass = net.pass();
    int n = net.fields.numFeatures();
    embeddingGrad = new float[n * net.dim];
    touched = new int[n];
    isTouched = new boolean[n];
  }

  /**
   * Forward and backward on rows {@code rows[from .. to)} of {@code batch} (a click-conversion batch)
   * as a mini-batch of {@code batchRows} rows (the mean's divisor); adds to the gradients and returns
   * the summed weighted loss.
   */
  public double compute(VectorKernels k, FieldSlots slots, MultiTaskBatch batch, ClickConversionLoss.Space space, int[] rows, int from,
      int to, int batchRows) {
    int m = to - from;
    net.forward(k, slots, rows, from, to, pass);
    if (dLogits.length < 2 * m) {
      dLogits = new float[2 * m];
      dx = new float[m * net.inputWidth()];
    }
    float[] clicks = batch.labels()[0];
    float[] conversions = batch.labels()[1];
    float scale = 1f / batchRows;
    double loss = 0;
    for (int b = 0; b < m; b++) {
      int r = ClickConversionNet.row(rows, from + b);
      loss += ClickConversionLoss.row(space, pass.logits[2 * b], pass.logits[2 * b + 1], clicks[r], conversions[r],
          batch.samples().weight(r), scale, dLogits, 2 * b);
    }
    pass.dense.backward(k, pass.x, m, dLogits, dx);
    int nf = net.fields.numFields();
    int dim = net.dim;
    for (int b = 0; b < m; b++) {
      int r = ClickConversionNet.row(rows, from + b);
      for (int f = 0; f < nf; f++) {
        int i = slots.feature(r, f);
        float v = slots.value(r, f);
        if (!isTouched[i]) {
          isTouched[i] = true;
          touched[touchedCount++] = i;
        }
        int at = (b * nf + f) * dim;
        for (int d = 0; d < dim; d++) {
          embeddingGrad[i * dim + d] += v * dx[at + d];
        }
      }
    }
    return loss;
  }

  /** Zeroes the embedding gradients (the MLPs' are zeroed by their step). */
  public void clearSparse() {
    int dim = net.dim;
    for (int t = 0; t < touchedCount; t++) {
      int i = touched[t];
      isTouched[i] = false;
      java.util.Arrays.fill(embeddingGrad, i * dim, i * dim + dim, 0f);
    }
    touchedCount = 0;
  }
}
