package dev.funnel.rank.deepfm;

import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.FieldSlots;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.nn.BatchNorm;
import dev.funnel.rank.nn.Linear;
import dev.funnel.rank.nn.Mlp;
import dev.funnel.train.loss.Logistic;
import dev.funnel.util.Parallel;
import dev.funnel.util.Workers;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A trained DeepFM ({@link DeepFmNet}): scores in blocks of rows, the deep component as GEMMs.
 * Payload: the linear weights (bias last), the embeddings row-major (numFeatures x dim), then each MLP
 * layer's parameters (W row-major, then b), input layer first; with batch norm, then each hidden
 * layer's γ then β, followed by its running mean then variance.
 */
public final class DeepFmModel implements RankModel {
  /** Rows per forward block when scoring: big enough for GEMM efficiency, small enough for cache. */
  static final int SCORE_BLOCK = 1024;
  /** Fewest rows worth a thread of their own: below this the hand-off costs more than it saves. */
  static final int MIN_PART_ROWS = 128;

  private final DeepFmConfig config;
  private final FieldMap fields;
  private final DeepFmNet net;
  /** Scoring threads: started on the first large batch, they exit after a few idle seconds. */
  private final Workers workers = new Workers(Parallel.defaultThreads(), "funnel-deepfm-score", 5);

  DeepFmModel(DeepFmConfig config, FieldMap fields, DeepFmNet net) {
    this.config = config;
    this.fields = fields;
    this.net = net;
  }

  static DeepFmModel read(DataInput in, DeepFmConfig config, FieldMap fields) throws IOException {
    float[] linear = BinaryIO.readFloats(in);
    float[] embeddings = BinaryIO.readFloats(in);
    int[] hidden = config.hiddenUnits();
    Linear[] layers = new Linear[hidden.length + 1];
    int width = fields.numFields() * config.dim();
    for (int i = 0; i <= hidden.length; i++) {
      int out = i < hidden.length ? hidden[i] : 1;
      layers[i] = new Linear(width, out, BinaryIO.readFloats(in));
      width = out;
    }
    BatchNorm[] norms = null;
    if (config.batchNorm()) {
      norms = new BatchNorm[hidden.length];
      for (int i = 0; i < hidden.length; i++) {
        float[] params = BinaryIO.readFloats(in);
        float[] running = BinaryIO.readFloats(in);
        try {
          norms[i] = new BatchNorm(hidden[i], params, running);
        } catch (IllegalArgumentException e) {
          throw new IOException("DeepFM payload does not match its header: " + e.getMessage(), e);
        }
      }
    }
    try {
      return new DeepFmModel(config, fields, new DeepFmNet(fields.numFeatures(), fields.numFields(), config.dim(), linear, embeddings,
          new Mlp(layers, norms, config.activation())));
    } catch (IllegalArgumentException e) {
      throw new IOException("DeepFM payload does not match its header: " + e.getMessage(), e);
    }
  }

  @Override
  public String algorithm() {
    return DeepFm.NAME;
  }

  @Override
  public DeepFmConfig config() {
    return config;
  }

  @Override
  public FieldMap fields() {
    return fields;
  }

  @Override
  public void score(SampleBatch batch, float[] out) {
    RankModel.checkFields(this, batch);
    score(net, Kernels.get(), FieldSlots.of(batch), out, workers);
  }

  /** As {@link #score(SampleBatch, float[])} on at most {@code threads} threads (1: the calling thread only). */
  public void score(SampleBatch batch, float[] out, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive; threads=" + threads);
    }
    RankModel.checkFields(this, batch);
    score(net, Kernels.get(), FieldSlots.of(batch), out, workers, threads);
  }

  static void score(DeepFmNet net, VectorKernels k, FieldSlots slots, float[] out, Workers workers) {
    score(net, k, slots, out, workers, workers.threads());
  }

  /**
   * Scores on up to {@code threads} threads: a batch of at least {@link #MIN_PART_ROWS} rows
   * per thread is cut into contiguous parts, one per thread, each run in {@link #SCORE_BLOCK}-row
   * forwards on a pooled {@link DeepFmNet.Pass} (so a small batch, e.g. 500 candidates, allocates
   * nothing once warm). Row results do not depend on the split.
   */
  static void score(DeepFmNet net, VectorKernels k, FieldSlots slots, float[] out, Workers workers, int threads) {
    int n = slots.size();
    int parts = Math.max(1, Math.min(Math.min(threads, workers.threads()), n / MIN_PART_ROWS));
    int chunk = (n + parts - 1) / parts;
    workers.run(parts, p -> scoreRows(net, k, slots, p * chunk, Math.min(n, (p + 1) * chunk), out));
  }

  private static void scoreRows(DeepFmNet net, VectorKernels k, FieldSlots slots, int start, int end, float[] out) {
    DeepFmNet.Pass pass = net.takePass();
    try {
      for (int from = start; from < end; from += SCORE_BLOCK) {
        int to = Math.min(end, from + SCORE_BLOCK);
        net.forward(k, slots, null, from, to, pass);
        for (int b = 0; b < to - from; b++) {
          out[from + b] = (float) Logistic.sigmoid(pass.logits[b]);
        }
      }
    } finally {
      net.givePass(pass);
    }
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    BinaryIO.writeFloats(out, net.linear);
    BinaryIO.writeFloats(out, net.embeddings);
    for (int i = 0; i < net.mlp.depth(); i++) {
      BinaryIO.writeFloats(out, net.mlp.layer(i).params());
    }
    for (int i = 0; i < net.mlp.depth() - 1 && net.mlp.norm(i) != null; i++) {
      BinaryIO.writeFloats(out, net.mlp.norm(i).params());
      BinaryIO.writeFloats(out, net.mlp.norm(i).running());
    }
  }
}
