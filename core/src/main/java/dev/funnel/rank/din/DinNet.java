package dev.funnel.rank.din;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.SampleBatch;

/**
 * DIN's parameters and its forward and backward passes (Zhou et al., KDD 2018, section 4.3, fig. 2).
 * Every feature has a {@code dim}-wide embedding; a field's vector e_f is the value-weighted sum of
 * its features' embeddings (sum pooling of multi-valued fields), the target t is the item field's.
 * History feature {@code start(history) + i} uses item i's embedding, so target and behaviours share
 * one table. For each behaviour h_j the activation unit scores
 *
 * <pre>
 *   a_j = AU([h_j, t, h_j - t, h_j ⊙ t])      (an MLP to one output, no softmax)
 *   u   = Σ_j a_j h_j                           (weighted sum pooling; 0 for an empty history)
 *   y   = MLP([e_1, ..., u, ..., e_F])          (u in the history field's slot)
 *   p   = sigmoid(y)
 * </pre>
 *
 * Without softmax the pooled vector keeps the intensity of the user's interests (section 4.3).
 * History values are ignored (a behaviour is there or not).
 */
final class DinNet {
  final FieldMap fields;
  final int dim;
  final int numFields;
  final int itemField;
  final int historyField;
  private final int itemStart;
  private final int historyStart;
  private final int historyEnd;
  /** featureField[i]: the field of feature i. */
  private final int[] featureField;
  final float[] embeddings;
  final Tower attention;
  final Tower top;

  DinNet(FieldMap fields, int dim, int itemField, int historyField, float[] embeddings, Tower attention, Tower top) {
    int items = fields.end(itemField) - fields.start(itemField);
    int history = fields.end(historyField) - fields.start(historyField);
    if (items != history) {
      throw new IllegalArgumentException("history field '" + fields.name(historyField) + "' has " + history + " features; item field '"
          + fields.name(itemField) + "' has " + items + ": history feature start+i must be item start+i");
    }
    if (embeddings.length != (long) fields.numFeatures() * dim || attention.in() != 4 * dim || attention.out() != 1
        || top.in() != fields.numFields() * dim || top.out() != 1) {
      throw new IllegalArgumentException("DIN weights do not fit " + fields.numFeatures() + " features in " + fields.numFields()
          + " fields of dim " + dim + ": " + embeddings.length + " embedding values, activation unit " + attention.in() + "->"
          + attention.out() + ", MLP " + top.in() + "->" + top.out());
    }
    this.fields = fields;
    this.dim = dim;
    this.numFields = fields.numFields();
    this.itemField = itemField;
    this.historyField = historyField;
    this.itemStart = fields.start(itemField);
    this.historyStart = fields.start(historyField);
    this.historyEnd = fields.end(historyField);
    this.embeddings = embeddings;
    this.attention = attention;
    this.top = top;
    featureField = new int[fields.numFeatures()];
    for (int f = 0; f < numFields; f++) {
      java.util.Arrays.fill(featureField, fields.start(f), fields.end(f), f);
    }
  }

  /** The embedding row of a feature: history features borrow their item's. */
  int embeddingRow(int feature) {
    return feature >= historyStart && feature < historyEnd ? itemStart + feature - historyStart : feature;
  }

  static int row(int[] rows, int b) {
    return rows == null ? b : rows[b];
  }

  /** One thread's buffers: the MLP input x (m x F·dim), the behaviour pairs and their scores. */
  final class Pass {
    float[] x = new float[0];
    float[] dx = new float[0];
    float[] logits = new float[0];
    int pairs;
    int[] pairRow = new int[0];
    int[] pairEmbedding = new int[0];
    float[] attentionIn = new float[0];
    float[] dAttentionIn = new float[0];
    float[] scores = new float[0];
    float[] dScores = new float[0];
    float[] dh = new float[0];
    final Tower.Work attentionWork = attention.work();
    final Tower.Work topWork = top.work();

    void ensureRows(int m) {
      if (logits.length < m) {
        x = new float[m * numFields * dim];
        dx = new float[m * numFields * dim];
        logits = new float[m];
      }
    }

    void ensurePairs(int h) {
      if (pairRow.length < h) {
        int cap = Math.max(h, pairRow.length + (pairRow.length >> 1));
        pairRow = new int[cap];
        pairEmbedding = new int[cap];
        attentionIn = new float[cap * 4 * dim];
        dAttentionIn = new float[cap * 4 * dim];
        dScores = new float[cap];
        dh = new float[cap * dim];
      }
    }
  }

  Pass pass() {
    return new Pass();
  }

  /** Logits of rows {@code rows[from .. to)} (or from..to when rows is null) into {@code p.logits}. */
  void forward(VectorKernels k, SampleBatch batch, int[] rows, int from, int to, Pass p, boolean training) {
    int m = to - from;
    p.ensureRows(m);
    int width = numFields * dim;
    float[] x = p.x;
    java.util.Arrays.fill(x, 0, m * width, 0f);
    int[] ptr = batch.rowPtr();
    int[] fs = batch.features();
    int h = 0;
    for (int b = 0; b < m; b++) {
      int r = row(rows, from + b);
      for (int q = ptr[r]; q < ptr[r + 1]; q++) {
        int f = featureField[fs[q]];
        if (f == historyField) {
          h++;
          continue;
        }
        k.axpy(batch.value(q), embeddings, fs[q] * dim, x, b * width + f * dim, dim);
      }
    }
    p.ensurePairs(h);
    p.pairs = h;
    float[] in = p.attentionIn;
    int j = 0;
    for (int b = 0; b < m; b++) {
      int r = row(rows, from + b);
      int t = b * width + itemField * dim;
      for (int q = ptr[r]; q < ptr[r + 1]; q++) {
        if (featureField[fs[q]] != historyField) {
          continue;
        }
        int e = embeddingRow(fs[q]);
        p.pairRow[j] = b;
        p.pairEmbedding[j] = e;
        int o = j * 4 * dim;
        int eo = e * dim;
        for (int d = 0; d < dim; d++) {
          float hv = embeddings[eo + d];
          float tv = x[t + d];
          in[o + d] = hv;
          in[o + dim + d] = tv;
          in[o + 2 * dim + d] = hv - tv;
          in[o + 3 * dim + d] = hv * tv;
        }
        j++;
      }
    }
    if (h > 0) {
      p.scores = attention.forward(k, in, h, p.attentionWork, training);
      for (j = 0; j < h; j++) {
        k.axpy(p.scores[j], embeddings, p.pairEmbedding[j] * dim, x, p.pairRow[j] * width + historyField * dim, dim);
      }
    }
    float[] y = top.forward(k, x, m, p.topWork, training);
    System.arraycopy(y, 0, p.logits, 0, m);
  }

  /**
   * Back-propagates {@code dLogits} (m; overwritten) through the last forward of {@code p} on the same
   * rows; adds each embedding row's gradient into {@code g} and the towers' into their works.
   */
  void backward(VectorKernels k, SampleBatch batch, int[] rows, int from, int to, Pass p, float[] dLogits, SparseGradient g) {
    int m = to - from;
    int width = numFields * dim;
    float[] dx = p.dx;
    top.backward(k, p.x, dLogits, m, dx, p.topWork);
    int h = p.pairs;
    if (h > 0) {
      float[] in = p.attentionIn;
      for (int j = 0; j < h; j++) {
        int du = p.pairRow[j] * width + historyField * dim;
        int eo = p.pairEmbedding[j] * dim;
        double ds = 0;
        float s = p.scores[j];
        for (int d = 0; d < dim; d++) {
          ds += dx[du + d] * embeddings[eo + d];
          p.dh[j * dim + d] = s * dx[du + d];
        }
        p.dScores[j] = (float) ds;
      }
      attention.backward(k, in, p.dScores, h, p.dAttentionIn, p.attentionWork);
      float[] dIn = p.dAttentionIn;
      for (int j = 0; j < h; j++) {
        int o = j * 4 * dim;
        int dt = p.pairRow[j] * width + itemField * dim;
        int hj = j * dim;
        for (int d = 0; d < dim; d++) {
          float g0 = dIn[o + d];
          float g1 = dIn[o + dim + d];
          float g2 = dIn[o + 2 * dim + d];
          float g3 = dIn[o + 3 * dim + d];
          float hv = in[o + d];
          float tv = in[o + dim + d];
          p.dh[hj + d] += g0 + g2 + tv * g3;
          dx[dt + d] += g1 - g2 + hv * g3;
        }
        g.add(p.pairEmbedding[j], 1f, p.dh, hj);
      }
    }
    int[] ptr = batch.rowPtr();
    int[] fs = batch.features();
    for (int b = 0; b < m; b++) {
      int r = row(rows, from + b);
      for (int q = ptr[r]; q < ptr[r + 1]; q++) {
        int f = featureField[fs[q]];
        if (f != historyField) {
          g.add(fs[q], batch.value(q), dx, b * width + f * dim);
        }
      }
    }
  }

  /** Embedding gradients in a dense array over the rows, with the touched rows listed (one step per row per batch). */
  static final class SparseGradient {
    final int dim;
    final float[] grad;
    final int[] touched;
    int touchedCount;
    private final boolean[] isTouched;

    SparseGradient(int rows, int dim) {
      this.dim = dim;
      grad = new float[rows * dim];
      touched = new int[rows];
      isTouched = new boolean[rows];
    }

    /** grad[row] += scale * src[off .. off+dim). */
    void add(int row, float scale, float[] src, int off) {
      if (!isTouched[row]) {
        isTouched[row] = true;
        touched[touchedCount++] = row;
      }
      int o = row * dim;
      for (int d = 0; d < dim; d++) {
        grad[o + d] += scale * src[off + d];
      }
    }

    void clear() {
      for (int t = 0; t < touchedCount; t++) {
        int row = touched[t];
        isTouched[row] = false;
        java.util.Arrays.fill(grad, row * dim, row * dim + dim, 0f);
      }
      touchedCount = 0;
    }
  }
}
