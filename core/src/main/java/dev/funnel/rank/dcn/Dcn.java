package dev.funnel.rank.dcn;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.TrainContext;
import java.io.DataInput;
import java.io.IOException;

/** DCN-V2 (Wang et al., WWW 2021): a cross network of explicit bounded-degree feature crosses beside or under an MLP. */
public final class Dcn implements RankAlgorithm<DcnConfig> {
  public static final String NAME = "dcnv2";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "DCN-V2 (Wang et al. 2021): cross network x0*(W x + b) + x with an MLP, stacked or parallel, mini-batch Adam";
  }

  @Override
  public DcnConfig defaultConfig() {
    return DcnConfig.defaults();
  }

  @Override
  public DcnModel fit(DcnConfig config, SampleBatch train, SampleBatch validation, TrainContext context) {
    checkRank(config, train.fields());
    return DcnModel.fit(NAME, config, config.shape(), config.settings(), train, validation, context);
  }

  @Override
  public DcnModel read(DataInput in, DcnConfig config, FieldMap fields) throws IOException {
    return DcnModel.read(in, NAME, config, config.shape(), fields);
  }

  private static void checkRank(DcnConfig config, FieldMap fields) {
    int width = fields.numFields() * config.dim();
    if (config.lowRank() >= width) {
      throw new IllegalArgumentException("lowRank must be below numFields x dim = " + width + " (0 for full rank); lowRank=" + config.lowRank());
    }
  }
}
