package dev.funnel.rank.multitask;

import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.FieldSlots;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.nn.Mlp;
import dev.funnel.train.loss.Logistic;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * A trained {@link ClickConversionNet} (ESMM, MMoE or PLE) as a {@link MultiTaskModel} with tasks ctr
 * (main), cvr and ctcvr = pCTR x pCVR. Payload: the embeddings (numFeatures x dim, row-major), then
 * every layer of every {@link ClickConversionNet#mlps()} entry in order (W row-major, then b), each as
 * a length-prefixed float array.
 */
public final class ClickConversionModel implements MultiTaskModel {
  static final int SCORE_BLOCK = 512;
  private static final List<String> TASKS = List.of(CTR, CVR, CTCVR);

  private final String algorithm;
  private final Record config;
  private final ClickConversionNet net;

  public ClickConversionModel(String algorithm, Record config, ClickConversionNet net) {
    this.algorithm = algorithm;
    this.config = config;
    this.net = net;
  }

  /** Fills the (freshly built, same-shaped) {@code net} from a payload written by {@link #writePayload}. */
  public static ClickConversionModel read(DataInput in, String algorithm, Record config, ClickConversionNet net) throws IOException {
    fill(in, net.embeddings, algorithm + " embeddings");
    Mlp[] mlps = net.mlps();
    for (int i = 0; i < mlps.length; i++) {
      for (int l = 0; l < mlps[i].depth(); l++) {
        fill(in, mlps[i].layer(l).params(), algorithm + " block " + i + " layer " + l);
      }
    }
    return new ClickConversionModel(algorithm, config, net);
  }

  private static void fill(DataInput in, float[] into, String what) throws IOException {
    float[] read = BinaryIO.readFloats(in);
    if (read.length != into.length) {
      throw new IOException(what + " has " + read.length + " values; the config and fields give " + into.length);
    }
    System.arraycopy(read, 0, into, 0, into.length);
  }

  @Override
  public String algorithm() {
    return algorithm;
  }

  @Override
  public Record config() {
    return config;
  }

  @Override
  public FieldMap fields() {
    return net.fields;
  }

  @Override
  public List<String> tasks() {
    return TASKS;
  }

  /** The trained network (read-only use). */
  public ClickConversionNet net() {
    return net;
  }

  @Override
  public void score(SampleBatch batch, int task, float[] out) {
    RankModel.checkFields(this, batch);
    if (task < 0 || task >= TASKS.size()) {
      throw new IllegalArgumentException("task must be in 0.." + (TASKS.size() - 1) + "; task=" + task);
    }
    score(net, Kernels.get(), FieldSlots.of(batch), task, out);
  }

  /** Task {@code task} (0 ctr, 1 cvr, 2 ctcvr) of every row of {@code slots}, in blocks. */
  static void score(ClickConversionNet net, VectorKernels k, FieldSlots slots, int task, float[] out) {
    ClickConversionNet.Pass pass = net.pass();
    int n = slots.size();
    for (int from = 0; from < n; from += SCORE_BLOCK) {
      int to = Math.min(n, from + SCORE_BLOCK);
      net.forward(k, slots, null, from, to, pass);
      for (int b = 0; b < to - from; b++) {
        double p = Logistic.sigmoid(pass.logits[2 * b]);
        double q = Logistic.sigmoid(pass.logits[2 * b + 1]);
        out[from + b] = (float) (task == 0 ? p : task == 1 ? q : p * q);
      }
    }
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    BinaryIO.writeFloats(out, net.embeddings);
    for (Mlp mlp : net.mlps()) {
      for (int l = 0; l < mlp.depth(); l++) {
        BinaryIO.writeFloats(out, mlp.layer(l).params());
      }
    }
  }
}
