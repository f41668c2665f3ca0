package dev.funnel.recall.lightgcn;

import dev.funnel.recall.RecallModelContractTest;
import java.util.Map;

class LightGcnContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "lightgcn";
  }

  /** Small, fast settings for 24 users x 12 items; 2 layers so the held-out item is reached by propagation. */
  @Override
  protected Map<String, String> fixtureParams() {
    return Map.of("dim", "4", "layers", "2", "epochs", "150", "learningRate", "0.02", "l2", "1e-3", "batchSize", "32",
        "initStd", "0.1", "threads", "2");
  }
}
