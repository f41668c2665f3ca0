package dev.funnel.rank.din;

import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.train.loss.Logistic;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A trained DIN ({@link DinNet}): scores in blocks of rows, Dice on its running statistics. Payload:
 * the embeddings row-major (numFeatures x dim), the item-side table (ptr over the items, then the
 * side features), then the activation unit and the top MLP, each as
 * its layers' parameters (W row-major, then b; input layer first) followed by each activation's
 * parameters and state.
 */
public final class DinModel implements RankModel {
  static final int SCORE_BLOCK = 512;

  private final DinConfig config;
  private final FieldMap fields;
  private final DinNet net;

  DinModel(DinConfig config, FieldMap fields, DinNet net) {
    this.config = config;
    this.fields = fields;
    this.net = net;
  }

  static DinModel read(DataInput in, DinConfig config, FieldMap fields) throws IOException {
    try {
      float[] embeddings = BinaryIO.readFloats(in);
      int[] sidePtr = BinaryIO.readInts(in);
      int[] sideFeatures = BinaryIO.readInts(in);
      int[] sides = Din.sideFields(config, fields);
      int itemWidth = config.dim() * (1 + sides.length);
      Tower attention = Tower.read(in, 4 * itemWidth, config.attentionUnits(), 1, config.activation());
      Tower top = Tower.read(in, (fields.numFields() - 1) * config.dim() + itemWidth, config.hiddenUnits(), 1, config.activation());
      return new DinModel(config, fields, new DinNet(fields, config.dim(), fields.field(config.itemField()),
          fields.field(config.historyField()), sides, sidePtr, sideFeatures, embeddings, attention, top));
    } catch (IllegalArgumentException e) {
      throw new IOException("DIN payload does not match its header: " + e.getMessage(), e);
    }
  }

  @Override
  public String algorithm() {
    return Din.NAME;
  }

  @Override
  public DinConfig config() {
    return config;
  }

  @Override
  public FieldMap fields() {
    return fields;
  }

  @Override
  public void score(SampleBatch batch, float[] out) {
    RankModel.checkFields(this, batch);
    float[] p = score(net, Kernels.get(), batch);
    System.arraycopy(p, 0, out, 0, p.length);
  }

  static float[] score(DinNet net, VectorKernels k, SampleBatch batch) {
    DinNet.Pass pass = net.pass();
    int n = batch.size();
    float[] out = new float[n];
    for (int from = 0; from < n; from += SCORE_BLOCK) {
      int to = Math.min(n, from + SCORE_BLOCK);
      net.forward(k, batch, null, from, to, pass, false);
      for (int b = 0; b < to - from; b++) {
        out[from + b] = (float) Logistic.sigmoid(pass.logits[b]);
      }
    }
    return out;
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    BinaryIO.writeFloats(out, net.embeddings);
    BinaryIO.writeInts(out, net.itemSidePtr);
    BinaryIO.writeInts(out, net.itemSideFeatures);
    net.attention.write(out);
    net.top.write(out);
  }
}
