package dev.funnel.recall.als;

import dev.funnel.data.Interactions;
import dev.funnel.recall.FactorModel;

/**
 * A trained iALS model: user and item factors; the score is their inner product. Users without
 * training items have the zero vector: every score is 0.
 */
public final class IalsModel extends FactorModel {
  private final IalsConfig config;

  IalsModel(IalsConfig config, Interactions train, int dim, float[] userVectors, float[] itemVectors) {
    super(train, dim, userVectors, itemVectors, null, false);
    this.config = config;
  }

  @Override
  public String algorithm() {
    return Ials.NAME;
  }

  @Override
  public IalsConfig config() {
    return config;
  }
}
