package dev.funnel.rank.multitask.mmoe;

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
 * Trains MMoE, Multi-gate Mixture-of-Experts (Ma et al., KDD 2018, eq. 5-6): shared experts over the
 * field embeddings, one softmax gate and one tower per task (CTR, CVR). It is the one-level {@link
 * ExpertNet} without task-specific experts.
 */
public final class Mmoe implements MultiTaskAlgorithm<MmoeConfig> {
  public static final String NAME = "mmoe";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "MMoE (Ma et al. 2018): shared experts with a softmax gate and a tower per task (CTR, CVR)";
  }

  @Override
  public MmoeConfig defaultConfig() {
    return MmoeConfig.defaults();
  }

  @Override
  public List<String> labelTasks() {
    return List.of(MultiTaskBatch.CLICK, MultiTaskBatch.CONVERSION);
  }

  static ExpertNet net(MmoeConfig c, FieldMap fields) {
    return new ExpertNet(fields, c.dim(), 1, c.experts(), 0, DenseSettings.layerSizes("expertHidden", c.expertHidden(), true),
        c.expertUnits(), DenseSettings.layerSizes("towerHidden", c.towerHidden(), true), c.activation());
  }

  @Override
  public ClickConversionModel fit(MmoeConfig config, MultiTaskBatch train, MultiTaskBatch validation, TrainContext context) {
    ExpertNet net = net(config, train.samples().fields());
    ClickConversionTraining.fit(net, config.settings(), train, validation, context);
    return new ClickConversionModel(NAME, config, net);
  }

  @Override
  public ClickConversionModel read(DataInput in, MmoeConfig config, FieldMap fields) throws IOException {
    return ClickConversionModel.read(in, NAME, config, net(config, fields));
  }
}
