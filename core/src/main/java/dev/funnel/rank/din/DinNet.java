package dev.funnel.rank.din;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.SampleBatch;

/**
 * DIN's parameters and its forward and backward passes (Zhou et al., KDD 2018, section 4.3, fig. 2).
 * Every feature has a {@code dim}-wide embedding; a field's vector e_f is the value-weighted sum of
 * its features' embeddings (sum pooling of multi-valued fields). An item is represented, as the
 * target t and as each behaviour h_j, by its item embedding concatenated with the pooled embeddings
 * of its item-side fields (the paper's goods_id || cate_id; here e.g. genre), D = dim (1 + sides)
 * wide. History feature {@code start(history) + i} is item i: it uses item i's embedding and the side
 * features item i had in the training rows ({@code itemSidePtr}/{@code itemSideFeatures}), so target
 * and behaviours share one table. For each behaviour the activation unit scores
 *
 * <pre>
 *   a_j = AU([h_j, t, h_j - t, h_j ⊙ t])      (an MLP to one output, no softmax)
 *   u   = Σ_j a_j h_j                           (weighted sum pooling; 0 for an empty history)
 *   y   = MLP([e_1, ..., e_F (history left out), u])
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
  final int[] sideFields;
  /** Width of an item's representation: dim (1 + sideFields). */
  final int itemWidth;
  /** Width of the top MLP's input: dim per field but history, then u. */
  final int width;
  private final int itemStart;
  private final int historyStart;
  private final int historyEnd;
  /** featureField[i]: the field of feature i. */
  private final int[] featureField;
  /** slot[f]: where field f's vector starts in the MLP input (the history's u: the last itemWidth). */
  private final int[] slot;
  /** sidePart[f]: 1 + the index of f among the side fields, 0 for others. */
  private final int[] sidePart;
  final int[] itemSidePtr;
  final int[] itemSideFeatures;
  final float[] embeddings;
  final Tower attention;
  final Tower top;

  DinNet(FieldMap fields, int dim, int itemField, int historyField, int[] sideFields, int[] itemSidePtr, int[] itemSideFeatures,
      float[] embeddings, Tower attention, Tower top) {
    int items = fields.end(itemField) - fields.start(itemField);
    int history = fields.end(historyField) - fields.start(historyField);
    if (items != history) {
      throw new IllegalArgumentException("history field '" + fields.name(historyField) + "' has " + history + " features; item field '"
          + fields.name(itemField) + "' has " + items + ": history feature start+i must be item start+i");
    }
    this.fields = fields;
    this.dim = dim;
    this.numFields = fields.numFields();
    this.itemField = itemField;
    this.historyField = historyField;
    this.sideFields = sideFields.clone();
    this.itemWidth = dim * (1 + sideFields.length);
    this.width = (numFields - 1) * dim + itemWidth;
    if (embeddings.length != (long) fields.numFeatures() * dim || attention.in() != 4 * itemWidth || attention.out() != 1
        || top.in() != width || top.out() != 1 || itemSidePtr.length != items + 1
        || itemSidePtr[items] != itemSideFeatures.length) {
      throw new IllegalArgumentException("DIN weights do not fit " + fields.numFeatures() + " features in " + fields.numFields()
          + " fields of dim " + dim + " with " + sideFields.length + " item-side fields: " + embeddings.length + " embedding values, "
          + "activation unit " + attention.in() + "->" + attention.out() + ", MLP " + top.in() + "->" + top.out() + ", side table of "
          + (itemSidePtr.length - 1) + " items");
    }
    this.itemStart = fields.start(itemField);
    this.historyStart = fields.start(historyField);
    this.historyEnd = fields.end(historyField);
    this.itemSidePtr = itemSidePtr;
    this.itemSideFeatures = itemSideFeatures;
    this.embeddings = embeddings;
    this.attention = attention;
    this.top = top;
    featureField = new int[fields.numFeatures()];
    for (int f = 0; f < numFields; f++) {
      java.util.Arrays.fill(featureField, fields.start(f), fields.end(f), f);
    }
    slot = new int[numFields];
    int at = 0;
    for (int f = 0; f < numFields; f++) {
      if (f != historyField) {
        slot[f] = at;
        at += dim;
      }
    }
    slot[historyField] = at;
    sidePart = new int[numFields];
    for (int k = 0; k < sideFields.length; k++) {
      int f = sideFields[k];
      if (f == itemField || f == historyField || sidePart[f] != 0) {
        throw new IllegalArgumentException("item-side field '" + fields.name(f) + "' must differ from the item and history fields and be named once");
      }
      sidePart[f] = 1 + k;
    }
    for (int feature : itemSideFeatures) {
      if (feature < 0 || feature >= fields.numFeatures() || sidePart[featureField[feature]] == 0) {
        throw new IllegalArgumentException("item side table holds feature " + feature + ", which is in no item-side field");
      }
    }
  }

  static int row(int[] rows, int b) {
    return rows == null ? b : rows[b];
  }

  /** One thread's buffers: the MLP input x (m x width), the behaviour pairs, their vectors and scores. */
  final class Pass {
    float[] x = new float[0];
    float[] dx = new float[0];
    float[] logits = new float[0];
    int pairs;
    int[] pairRow = new int[0];
    int[] pairItem = new int[0];
    float[] attentionIn = new float[0];
    float[] dAttentionIn = new float[0];
    float[] scores = new float[0];
    float[] dScores = new float[0];
    float[] dh = new float[0];
    final Tower.Work attentionWork = attention.work();
    final Tower.Work topWork = top.work();

    void ensureRows(int m) {
      if (logits.length < m) {
        x = new float[m * width];
        dx = new float[m * width];
        logits = new float[m];
      }
    }

    void ensurePairs(int h) {
      if (pairRow.length < h) {
        int cap = Math.max(h, pairRow.length + (pairRow.length >> 1));
        pairRow = new int[cap];
        pairItem = new int[cap];
        attentionIn = new float[cap * 4 * itemWidth];
        dAttentionIn = new float[cap * 4 * itemWidth];
        dScores = new float[cap];
        dh = new float[cap * itemWidth];
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
        k.axpy(batch.value(q), embeddings, fs[q] * dim, x, b * width + slot[f], dim);
      }
    }
    p.ensurePairs(h);
    p.pairs = h;
    float[] in = p.attentionIn;
    int iw = itemWidth;
    int j = 0;
    for (int b = 0; b < m; b++) {
      int r = row(rows, from + b);
      for (int q = ptr[r]; q < ptr[r + 1]; q++) {
        if (featureField[fs[q]] != historyField) {
          continue;
        }
        int item = fs[q] - historyStart;
        p.pairRow[j] = b;
        p.pairItem[j] = item;
        int o = j * 4 * iw;
        // h_j: the item's embedding, then its pooled side fields
        java.util.Arrays.fill(in, o, o + iw, 0f);
        System.arraycopy(embeddings, (itemStart + item) * dim, in, o, dim);
        for (int s = itemSidePtr[item]; s < itemSidePtr[item + 1]; s++) {
          int feature = itemSideFeatures[s];
          k.axpy(1f, embeddings, feature * dim, in, o + sidePart[featureField[feature]] * dim, dim);
        }
        // t: the row's item and side-field vectors
        int xb = b * width;
        System.arraycopy(x, xb + slot[itemField], in, o + iw, dim);
        for (int s = 0; s < sideFields.length; s++) {
          System.arraycopy(x, xb + slot[sideFields[s]], in, o + iw + (1 + s) * dim, dim);
        }
        for (int d = 0; d < iw; d++) {
          float hv = in[o + d];
          float tv = in[o + iw + d];
          in[o + 2 * iw + d] = hv - tv;
          in[o + 3 * iw + d] = hv * tv;
        }
        j++;
      }
    }
    if (h > 0) {
      p.scores = attention.forward(k, in, h, p.attentionWork, training);
      for (j = 0; j < h; j++) {
        k.axpy(p.scores[j], in, j * 4 * iw, x, p.pairRow[j] * width + slot[historyField], iw);
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
    float[] dx = p.dx;
    top.backward(k, p.x, dLogits, m, dx, p.topWork);
    int h = p.pairs;
    int iw = itemWidth;
    if (h > 0) {
      float[] in = p.attentionIn;
      float[] dh = p.dh;
      for (int j = 0; j < h; j++) {
        int du = p.pairRow[j] * width + slot[historyField];
        int o = j * 4 * iw;
        double ds = 0;
        float s = p.scores[j];
        for (int d = 0; d < iw; d++) {
          ds += dx[du + d] * in[o + d];
          dh[j * iw + d] = s * dx[du + d];
        }
        p.dScores[j] = (float) ds;
      }
      attention.backward(k, in, p.dScores, h, p.dAttentionIn, p.attentionWork);
      float[] dIn = p.dAttentionIn;
      for (int j = 0; j < h; j++) {
        int o = j * 4 * iw;
        int xb = p.pairRow[j] * width;
        int hj = j * iw;
        for (int d = 0; d < iw; d++) {
          float g0 = dIn[o + d];
          float g1 = dIn[o + iw + d];
          float g2 = dIn[o + 2 * iw + d];
          float g3 = dIn[o + 3 * iw + d];
          float hv = in[o + d];
          float tv = in[o + iw + d];
          dh[hj + d] += g0 + g2 + tv * g3;
          // t's part d/dim is the item's (0) or a side field's vector: back to its slot in the MLP input
          int part = d / dim;
          int target = part == 0 ? slot[itemField] : slot[sideFields[part - 1]];
          dx[xb + target + d % dim] += g1 - g2 + hv * g3;
        }
        int item = p.pairItem[j];
        g.add(itemStart + item, 1f, dh, hj);
        for (int s = itemSidePtr[item]; s < itemSidePtr[item + 1]; s++) {
          int feature = itemSideFeatures[s];
          g.add(feature, 1f, dh, hj + sidePart[featureField[feature]] * dim);
        }
      }
    }
    int[] ptr = batch.rowPtr();
    int[] fs = batch.features();
    for (int b = 0; b < m; b++) {
      int r = row(rows, from + b);
      for (int q = ptr[r]; q < ptr[r + 1]; q++) {
        int f = featureField[fs[q]];
        if (f != historyField) {
          g.add(fs[q], batch.value(q), dx, b * width + slot[f]);
        }
      }
    }
  }

  /**
   * The item-side table: for each item (by its index in the item field) the features of the side
   * fields in the first row of {@code batches} that has it as the target; {ptr, features}.
   */
  static int[][] itemSides(FieldMap fields, int itemField, int[] sideFields, SampleBatch... batches) {
    int itemStart = fields.start(itemField);
    int items = fields.end(itemField) - itemStart;
    boolean[] isSide = new boolean[fields.numFields()];
    for (int f : sideFields) {
      isSide[f] = true;
    }
    int[] firstBatch = new int[items];
    int[] firstRow = new int[items];
    java.util.Arrays.fill(firstRow, -1);
    int[] ptr = new int[items + 1];
    for (int bi = 0; bi < batches.length; bi++) {
      SampleBatch batch = batches[bi];
      if (batch == null) {
        continue;
      }
      int[] rp = batch.rowPtr();
      int[] fs = batch.features();
      for (int r = 0; r < batch.size(); r++) {
        int item = -1;
        int count = 0;
        for (int q = rp[r]; q < rp[r + 1]; q++) {
          int f = fields.fieldOf(fs[q]);
          if (f == itemField && item < 0) {
            item = fs[q] - itemStart;
          } else if (isSide[f]) {
            count++;
          }
        }
        if (item >= 0 && firstRow[item] < 0) {
          firstRow[item] = r;
          firstBatch[item] = bi;
          ptr[item + 1] = count;
        }
      }
    }
    for (int i = 0; i < items; i++) {
      ptr[i + 1] += ptr[i];
    }
    int[] features = new int[ptr[items]];
    for (int i = 0; i < items; i++) {
      if (firstRow[i] < 0) {
        continue;
      }
      SampleBatch batch = batches[firstBatch[i]];
      int at = ptr[i];
      for (int q = batch.rowPtr()[firstRow[i]]; q < batch.rowPtr()[firstRow[i] + 1]; q++) {
        int f = fields.fieldOf(batch.features()[q]);
        if (isSide[f]) {
          features[at++] = batch.features()[q];
        }
      }
    }
    return new int[][] {ptr, features};
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
