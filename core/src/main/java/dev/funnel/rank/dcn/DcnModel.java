package dev.funnel.rank.dcn;

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
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A trained {@link DcnNet} (DCN-V2, or Wide&amp;Deep under its own algorithm name): scores in blocks of
 * rows. Payload, each a float array: the embeddings (numFeatures x dim), the wide weights (bias last)
 * if any, each cross map (W then b; V before U at low rank), the parallel cross output map if any, each
 * MLP layer, then per hidden layer with batch norm its γβ and its running mean and variance.
 */
public final class DcnModel implements RankModel {
  static final int SCORE_BLOCK = 512;

  private final String algorithm;
  private final Record config;
  private final FieldMap fields;
  private final DcnNet net;

  DcnModel(String algorithm, Record config, FieldMap fields, DcnNet net) {
    this.algorithm = algorithm;
    this.config = config;
    this.fields = fields;
    this.net = net;
  }

  /** Trains a network of {@code shape} and wraps it as a model of {@code algorithm} with {@code config}. */
  public static DcnModel fit(String algorithm, Record config, DcnShape shape, TrainSettings settings, SampleBatch train,
      SampleBatch validation, dev.funnel.recall.TrainContext context) {
    return new DcnModel(algorithm, config, train.fields(), DcnTrainer.fit(shape, settings, train, validation, context));
  }

  /** Reads a payload written by {@link #writePayload} for a network of {@code shape}. */
  public static DcnModel read(DataInput in, String algorithm, Record config, DcnShape shape, FieldMap fields) throws IOException {
    try {
      int numFeatures = fields.numFeatures();
      int width = fields.numFields() * shape.dim();
      float[] embeddings = BinaryIO.readFloats(in);
      float[] linear = shape.wide() ? BinaryIO.readFloats(in) : null;
      Linear[][] maps = new Linear[shape.crossLayers()][];
      for (int l = 0; l < maps.length; l++) {
        maps[l] = shape.lowRank() == 0 ? new Linear[] {new Linear(width, width, BinaryIO.readFloats(in))}
            : new Linear[] {new Linear(width, shape.lowRank(), BinaryIO.readFloats(in)),
                new Linear(shape.lowRank(), width, BinaryIO.readFloats(in))};
      }
      Linear crossOut = shape.parallel() ? new Linear(width, 1, BinaryIO.readFloats(in)) : null;
      int[] hidden = shape.hidden();
      Linear[] layers = new Linear[hidden.length + 1];
      int w = width;
      for (int i = 0; i <= hidden.length; i++) {
        int out = i < hidden.length ? hidden[i] : 1;
        layers[i] = new Linear(w, out, BinaryIO.readFloats(in));
        w = out;
      }
      BatchNorm[] norms = null;
      if (shape.batchNorm()) {
        norms = new BatchNorm[hidden.length];
        for (int i = 0; i < hidden.length; i++) {
          float[] params = BinaryIO.readFloats(in);
          norms[i] = new BatchNorm(hidden[i], params, BinaryIO.readFloats(in));
        }
      }
      DcnNet net = new DcnNet(shape, numFeatures, fields.numFields(), embeddings, linear, new CrossNetwork(width, shape.lowRank(), maps),
          crossOut, new Mlp(layers, norms, shape.activation()));
      return new DcnModel(algorithm, config, fields, net);
    } catch (IllegalArgumentException e) {
      throw new IOException(algorithm + " payload does not match its header: " + e.getMessage(), e);
    }
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
    return fields;
  }

  @Override
  public void score(SampleBatch batch, float[] out) {
    RankModel.checkFields(this, batch);
    score(net, Kernels.get(), FieldSlots.of(batch), out);
  }

  static void score(DcnNet net, VectorKernels k, FieldSlots slots, float[] out) {
    DcnNet.Pass pass = net.pass();
    int n = slots.size();
    for (int from = 0; from < n; from += SCORE_BLOCK) {
      int to = Math.min(n, from + SCORE_BLOCK);
      pass.forward(k, slots, null, from, to, 0f, null);
      for (int b = 0; b < to - from; b++) {
        out[from + b] = (float) Logistic.sigmoid(pass.logits[b]);
      }
    }
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    for (float[] a : net.stateArrays()) { // stateArrays' order is the payload's order
      BinaryIO.writeFloats(out, a);
    }
  }
}
