package dev.funnel.rank.multitask.esmm;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.multitask.ClickConversionModel;
import dev.funnel.rank.multitask.ClickConversionTraining;
import dev.funnel.rank.multitask.MultiTaskAlgorithm;
import dev.funnel.rank.multitask.MultiTaskBatch;
import dev.funnel.recall.TrainContext;
import java.io.DataInput;
import java.io.IOException;
import java.util.List;

/**
 * Trains ESMM, the Entire Space Multi-task Model (Ma et al., SIGIR 2018): pCTR and pCTCVR = pCTR x
 * pCVR fitted on every impression, so the CVR tower is never trained on the clicked sub-population
 * alone (no sample selection bias) and its embeddings learn from all impressions (less data
 * sparsity). See {@link dev.funnel.rank.multitask.ClickConversionTraining} for the optimizer.
 */
public final class Esmm implements MultiTaskAlgorithm<EsmmConfig> {
  public static final String NAME = "esmm";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "ESMM (Ma et al. 2018): CTR and CVR towers on shared embeddings, pCTCVR = pCTR x pCVR over all impressions";
  }

  @Override
  public EsmmConfig defaultConfig() {
    return EsmmConfig.defaults();
  }

  @Override
  public List<String> labelTasks() {
    return List.of(MultiTaskBatch.CLICK, MultiTaskBatch.CONVERSION);
  }

  static EsmmNet net(EsmmConfig config, FieldMap fields) {
    return new EsmmNet(fields, config.dim(), config.hiddenUnits(), config.activation(), config.shareEmbeddings());
  }

  @Override
  public ClickConversionModel fit(EsmmConfig config, MultiTaskBatch train, MultiTaskBatch validation, TrainContext context) {
    EsmmNet net = net(config, train.samples().fields());
    ClickConversionTraining.fit(net, config.settings(), train, validation, context);
    return new ClickConversionModel(NAME, config, net);
  }

  @Override
  public ClickConversionModel read(DataInput in, EsmmConfig config, FieldMap fields) throws IOException {
    return ClickConversionModel.read(in, NAME, config, net(config, fields));
  }
}
