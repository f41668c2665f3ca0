package dev.funnel.rank.multitask.ple;

import dev.funnel.rank.DenseSettings;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.multitask.ClickConversionModel;
import dev.funnel.rank.multitask.ClickConversionTraining;
import dev.funnel.rank.multitask.MultiTaskAlgorithm;
import dev.funnel.rank.multitask.MultiTaskBatch;
import dev.funnel.rank.multitask.experts.ExpertNet;
import dev.funnel.recall.TrainContext;
import java.io.DataInput;
import java.io.IOException;
import java.util.List;

/**
 * Trains PLE, Progressive Layered Extraction (Tang et al., RecSys 2020): {@code levels} stacked CGC
 * layers, each with task-specific and shared experts, a gate per task over its own and the shared
 * experts and (below the last level) a shared gate over all; then a tower per task (CTR, CVR). See
 * {@link ExpertNet}.
 */
public final class Ple implements MultiTaskAlgorithm<PleConfig> {
  public static final String NAME = "ple";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "PLE (Tang et al. 2020): CGC layers of shared and task-specific experts with per-task gates (CTR, CVR)";
  }

  @Override
  public PleConfig defaultConfig() {
    return PleConfig.defaults();
  }

  @Override
  public List<String> labelTasks() {
    return List.of(MultiTaskBatch.CLICK, MultiTaskBatch.CONVERSION);
  }

  static ExpertNet net(PleConfig c, FieldMap fields) {
    return new ExpertNet(fields, c.dim(), c.levels(), c.sharedExperts(), c.taskExperts(), DenseSettings.layerSizes("expertHidden", c.expertHidden(), true),
        c.expertUnits(), DenseSettings.layerSizes("towerHidden", c.towerHidden(), true), c.activation());
  }

  @Override
  public ClickConversionModel fit(PleConfig config, MultiTaskBatch train, MultiTaskBatch validation, TrainContext context) {
    ExpertNet net = net(config, train.samples().fields());
    ClickConversionTraining.fit(net, config.settings(), train, validation, context);
    return new ClickConversionModel(NAME, config, net);
  }

  @Override
  public ClickConversionModel read(DataInput in, PleConfig config, FieldMap fields) throws IOException {
    return ClickConversionModel.read(in, NAME, config, net(config, fields));
  }
}
