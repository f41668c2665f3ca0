package dev.funnel.recall.simplex;

import dev.funnel.recall.RecallModelContractTest;
import java.util.Map;

class SimplexContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "simplex";
  }

  /** Low rank, few negatives and a lower margin for 24 users x 12 items (defaults are for gowalla). */
  @Override
  protected Map<String, String> fixtureParams() {
    return Map.of("dim", "4", "epochs", "300", "learningRate", "0.01", "negatives", "12", "margin", "0.1",
        "negativeWeight", "1", "dropout", "0", "initStd", "0.1", "batchSize", "16", "threads", "1");
  }
}
