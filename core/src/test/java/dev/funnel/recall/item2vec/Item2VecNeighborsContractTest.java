package dev.funnel.recall.item2vec;

import dev.funnel.recall.RecallModelContractTest;
import java.util.Map;

/** The same contract with item-to-item (NEIGHBORS) scoring: an i2i table from the embedding, scored like ItemCF. */
class Item2VecNeighborsContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "item2vec";
  }

  @Override
  protected Map<String, String> fixtureParams() {
    return Map.of("dim", "8", "epochs", "300", "negatives", "3", "learningRate", "0.05", "initStd", "0.1", "threads", "1",
        "scoring", "NEIGHBORS", "neighbors", "5");
  }
}
