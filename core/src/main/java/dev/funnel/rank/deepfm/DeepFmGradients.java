package dev.funnel.rank.deepfm;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldSlots;
import dev.funnel.rank.SampleBatch;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.loss.Logistic;

/**
 * The gradients of one mini-batch's mean weighted logistic loss, by hand. With g_b = w_b (p_b -
 * label_b) / m the loss gradient of row b's logit and S_d = Σ_f e_{f,d}:
 *
 * <pre>
 *   dL/dw0 = Σ_b g_b,   dL/dw_i = Σ_b g_b x_f   (i = i_f)
 *   dL/de_{f,d} = g_b (S_d - e_{f,d}) + [MLP backward of g]_{f,d}
 *   dL/dv_{i,d} = Σ_b x_f dL/de_{f,d}
 * </pre>
 *
 * Embedding and linear gradients accumulate in dense arrays over the feature space, with the touched
 * features listed, so a feature seen by several rows of the batch takes one optimizer step.
 */
final class DeepFmGradients {
  final DeepFmNet net;
  final DeepFmNet.Pass pass;
  final float[] embeddingGrad;
  final float[] linearGrad;
  float biasGrad;
  final int[] touched;
  int touchedCount;
  private final boolean[] isTouched;
  private float[] dOut = new float[0];
  private float[] dE = new float[0];

  private final float dropout;
  private final WorkerRandom random;

  /** Gradients with MLP dropout {@code dropout}, its masks drawn from a generator seeded with {@code seed}. */
  DeepFmGradients(DeepFmNet net, float dropout, long seed) {
    this.net = net;
    this.dropout = dropout;
    this.random = new WorkerRandom(seed);
    this.pass = net.pass();
    embeddingGrad = new float[net.numFeatures * net.dim];
    linearGrad = new float[net.numFeatures];
    touched = new int[net.numFeatures];
    isTouched = new boolean[net.numFeatures];
  }

  /**
   * Forward and backward on rows {@code rows[from .. to)}, part of a mini-batch of {@code batchRows}
   * rows (the mean's divisor); adds to the gradients; returns the summed weighted loss.
   */
  double compute(VectorKernels k, FieldSlots slots, SampleBatch batch, int[] rows, int from, int to, int batchRows) {
    int m = to - from;
    net.forward(k, slots, rows, from, to, pass, dropout, random);
    if (dOut.length < m) {
      dOut = new float[m];
      dE = new float[m * net.numFields * net.dim];
    }
    float[] labels = batch.labels();
    double loss = 0;
    for (int b = 0; b < m; b++) {
      int r = DeepFmNet.row(rows, from + b);
      double y = pass.logits[b];
      float w = batch.weight(r);
      loss += w * (Logistic.softplus(y) - labels[r] * y);
      dOut[b] = (float) ((Logistic.sigmoid(y) - labels[r]) * w / batchRows);
    }
    net.mlp.backward(k, pass.e, dOut, m, dE, pass.workspace);
    int dim = net.dim;
    int width = net.numFields * dim;
    float[] e = pass.e;
    float[] sums = pass.sums;
    for (int b = 0; b < m; b++) {
      int r = DeepFmNet.row(rows, from + b);
      float g = dOut[b];
      biasGrad += g;
      for (int f = 0; f < net.numFields; f++) {
        int i = slots.feature(r, f);
        float x = slots.value(r, f);
        if (!isTouched[i]) {
          isTouched[i] = true;
          touched[touchedCount++] = i;
        }
        linearGrad[i] += g * x;
        int ef = b * width + f * dim;
        int vi = i * dim;
        int sb = b * dim;
        for (int d = 0; d < dim; d++) {
          embeddingGrad[vi + d] += x * (dE[ef + d] + g * (sums[sb + d] - e[ef + d]));
        }
      }
    }
    return loss;
  }

  /** Adds {@code other}'s gradients (another part of the same mini-batch) to these and zeroes other's. */
  void absorb(DeepFmGradients other) {
    int dim = net.dim;
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
    for (int l = 0; l < net.mlp.depth(); l++) {
      float[] mine = pass.workspace.grad(l);
      float[] theirs = other.pass.workspace.grad(l);
      for (int j = 0; j < mine.length; j++) {
        mine[j] += theirs[j];
      }
      java.util.Arrays.fill(theirs, 0f);
    }
    net.mlp.absorbNormGradients(pass.workspace, other.pass.workspace);
  }

  /** Zeroes the sparse gradients (the MLP's are zeroed by its step). */
  void clearSparse() {
    int dim = net.dim;
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
