package dev.funnel.rank.widedeep;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.dcn.DcnModel;
import dev.funnel.recall.TrainContext;
import java.io.DataInput;
import java.io.IOException;

/**
 * Wide&amp;Deep (Cheng et al., DLRS 2016) as the {@link dev.funnel.rank.dcn.DcnNet} with no cross layers
 * and the wide term: logit = w0 + Σ_f w_{i_f} x_f + MLP([e_1, ..., e_F]).
 */
public final class WideDeep implements RankAlgorithm<WideDeepConfig> {
  public static final String NAME = "widedeep";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "Wide&Deep (Cheng et al. 2016): a linear model plus an MLP over field embeddings, trained jointly with Adam";
  }

  @Override
  public WideDeepConfig defaultConfig() {
    return WideDeepConfig.defaults();
  }

  @Override
  public DcnModel fit(WideDeepConfig config, SampleBatch train, SampleBatch validation, TrainContext context) {
    return DcnModel.fit(NAME, config, config.shape(), config.settings(), train, validation, context);
  }

  @Override
  public DcnModel read(DataInput in, WideDeepConfig config, FieldMap fields) throws IOException {
    return DcnModel.read(in, NAME, config, config.shape(), fields);
  }
}
