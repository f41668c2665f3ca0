package dev.funnel.rank.ensemble;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.io.DataInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The mean-logit ensemble: p = sigmoid((1/K) Σ_k logit(p_k)) over K member rankers, each trained (and
 * early-stopped on validation) on the same samples as if alone. Nothing is fitted across members: no
 * weights, no selection. It costs the members' training and scoring together; on Frappe it gains
 * more over its best member than the members differ from each other, because their errors are only
 * partly correlated.
 */
public final class Ensemble implements RankAlgorithm<EnsembleConfig> {
  public static final String NAME = "ensemble";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "mean-logit ensemble of rankers (members=deepfm,dcnv2,widedeep; member params as MEMBER.KEY=VALUE), one model file";
  }

  @Override
  public EnsembleConfig defaultConfig() {
    return EnsembleConfig.defaults();
  }

  @Override
  public EnsembleModel fit(EnsembleConfig config, SampleBatch train, SampleBatch validation, TrainContext context) {
    List<RankModel> members = new ArrayList<>();
    for (String name : config.memberNames()) {
      TrainContext own = new TrainContext(context.threads(), context.seed(), prefixed(name, context.progress()), null,
          context.itemFeatures());
      members.add(fit(Registry.rank(name), config.memberConfig(name), train, validation, own));
    }
    return new EnsembleModel(config.resolved(), train.fields(), members);
  }

  private static <C extends Record> RankModel fit(RankAlgorithm<C> algorithm, Record config, SampleBatch train, SampleBatch validation,
      TrainContext context) {
    return algorithm.fit(algorithm.configType().cast(config), train, validation, context);
  }

  @Override
  public EnsembleModel read(DataInput in, EnsembleConfig config, FieldMap fields) throws IOException {
    return EnsembleModel.read(in, config, fields);
  }

  /** Member progress under the member's name, so a log tells the members apart. */
  private static Progress prefixed(String member, Progress progress) {
    return new Progress() {
      @Override
      public void start(String task, long total) {
        progress.start(member + " " + task, total);
      }

      @Override
      public void advance(long steps) {
        progress.advance(steps);
      }

      @Override
      public void finish(String summary) {
        progress.finish(member + ": " + summary);
      }
    };
  }
}
