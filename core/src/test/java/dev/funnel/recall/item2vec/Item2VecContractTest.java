package dev.funnel.recall.item2vec;

import dev.funnel.recall.RecallModelContractTest;
import java.util.Map;

class Item2VecContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "item2vec";
  }

  /** Small vectors, many passes over the 24 five-item sets. */
  @Override
  protected Map<String, String> fixtureParams() {
    return Map.of("dim", "8", "epochs", "300", "negatives", "3", "learningRate", "0.05", "initStd", "0.1", "threads", "1");
  }
}
