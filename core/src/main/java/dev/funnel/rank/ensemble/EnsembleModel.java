package dev.funnel.rank.ensemble;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.RankModelFile;
import dev.funnel.rank.SampleBatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained mean-logit ensemble: p = sigmoid((1/K) Σ_k logit(p_k)), logit(p) = ln(p / (1 - p)) with
 * each member's probability clamped to [1e-7, 1 - 1e-7] (a member saturated at 0 or 1 in float would
 * give an infinite logit). Payload: int K, then per member an int byte count and that member's
 * complete ranking model file ({@link RankModelFile}: its own header, version, config and checksum),
 * so a member reads back exactly as it would alone.
 */
public final class EnsembleModel implements RankModel {
  static final double CLAMP = 1e-7;
  private final EnsembleConfig config;
  private final FieldMap fields;
  private final List<RankModel> members;

  /** Members in {@code config}'s order, each over {@code fields} and trained by the algorithm the config names. */
  public EnsembleModel(EnsembleConfig config, FieldMap fields, List<RankModel> members) {
    List<String> names = config.memberNames();
    if (members.size() != names.size()) {
      throw new IllegalArgumentException("ensemble of members=" + config.members() + " needs " + names.size() + " models; got " + members.size());
    }
    for (int i = 0; i < names.size(); i++) {
      RankModel m = members.get(i);
      if (!m.algorithm().equals(names.get(i))) {
        throw new IllegalArgumentException("ensemble member " + i + " must be '" + names.get(i) + "'; got a '" + m.algorithm() + "' model");
      }
      if (!m.fields().equals(fields)) {
        throw new IllegalArgumentException("ensemble member " + i + " ('" + m.algorithm() + "') scores fields (" + m.fields()
            + ") other than the ensemble's (" + fields + ")");
      }
    }
    this.config = config;
    this.fields = fields;
    this.members = List.copyOf(members);
  }

  @Override
  public String algorithm() {
    return Ensemble.NAME;
  }

  @Override
  public EnsembleConfig config() {
    return config;
  }

  @Override
  public FieldMap fields() {
    return fields;
  }

  /** The members, in the config's order. */
  public List<RankModel> members() {
    return members;
  }

  @Override
  public void score(SampleBatch batch, float[] out) {
    RankModel.checkFields(this, batch);
    int n = batch.size();
    double[] sum = new double[n];
    float[] p = new float[n];
    for (RankModel m : members) {
      m.score(batch, p);
      for (int i = 0; i < n; i++) {
        sum[i] += logit(p[i]);
      }
    }
    double k = members.size();
    for (int i = 0; i < n; i++) {
      out[i] = (float) (1 / (1 + Math.exp(-sum[i] / k)));
    }
  }

  /** ln(p / (1 - p)) with p clamped to [1e-7, 1 - 1e-7]. */
  static double logit(double p) {
    double q = Math.min(Math.max(p, CLAMP), 1 - CLAMP);
    return Math.log(q / (1 - q));
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    out.writeInt(members.size());
    for (RankModel m : members) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      RankModelFile.write(bytes, m);
      out.writeInt(bytes.size());
      out.write(bytes.toByteArray());
    }
  }

  static EnsembleModel read(DataInput in, EnsembleConfig config, FieldMap fields) throws IOException {
    int k = in.readInt();
    if (k != config.memberNames().size()) {
      throw new IOException("ensemble payload holds " + k + " members; its config names " + config.memberNames().size() + " (members="
          + config.members() + ")");
    }
    List<RankModel> members = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      int length = in.readInt();
      if (length <= 0) {
        throw new IOException("ensemble member " + i + ": corrupt length " + length);
      }
      byte[] bytes = new byte[length];
      in.readFully(bytes);
      try {
        members.add(RankModelFile.read(new ByteArrayInputStream(bytes)));
      } catch (IOException e) {
        throw new IOException("ensemble member " + i + " ('" + config.memberNames().get(i) + "'): " + e.getMessage(), e);
      }
    }
    try {
      return new EnsembleModel(config, fields, members);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
