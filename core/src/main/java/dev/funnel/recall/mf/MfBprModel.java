package dev.funnel.recall.mf;

import dev.funnel.data.Interactions;
import dev.funnel.io.BinaryIO;
import dev.funnel.recall.FactorModel;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A trained MF-BPR model: user and item embeddings and an optional item bias. Users without training
 * items keep their random initial vector, so their scores mean nothing.
 */
public final class MfBprModel extends FactorModel {
  private final MfBprConfig config;

  MfBprModel(MfBprConfig config, Interactions train, int dim, float[] userVectors, float[] itemVectors, float[] bias) {
    super(train, dim, userVectors, itemVectors, bias, false);
    this.config = config;
  }

  @Override
  public String algorithm() {
    return MfBpr.NAME;
  }

  @Override
  public MfBprConfig config() {
    return config;
  }

  /** The tables, then a has-bias flag and the bias. */
  @Override
  public void writePayload(DataOutput out) throws IOException {
    writeTables(out);
    out.writeBoolean(bias != null);
    if (bias != null) {
      BinaryIO.writeFloats(out, bias);
    }
  }
}
