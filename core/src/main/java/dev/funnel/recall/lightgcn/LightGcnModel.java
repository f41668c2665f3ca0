package dev.funnel.recall.lightgcn;

import dev.funnel.data.Interactions;
import dev.funnel.recall.FactorModel;

/**
 * A trained LightGCN model: the final (layer-mean) user and item embeddings
 * {@code E = (1/(K+1)) Σ_k Â^k E⁰}, scored by inner product as in the paper ({@code ŷ_ui = e_uᵀ e_i}).
 * The ego (layer-0) embeddings are not kept: serving needs only the readout. Users without training
 * items have no neighbours: their vector is a scaled random init, meaningless.
 */
public final class LightGcnModel extends FactorModel {
  private final LightGcnConfig config;

  LightGcnModel(LightGcnConfig config, Interactions train, int dim, float[] userVectors, float[] itemVectors) {
    super(train, dim, userVectors, itemVectors, null, false);
    this.config = config;
  }

  @Override
  public String algorithm() {
    return LightGcn.NAME;
  }

  @Override
  public LightGcnConfig config() {
    return config;
  }
}
