package dev.funnel.recall.bspm;

import dev.funnel.recall.RecallModelContractTest;
import java.util.Map;

/** BSPM served as cut item-item rows (neighbors &gt; 0) meets the same contract. */
class BspmNeighborsContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "bspm";
  }

  @Override
  protected Map<String, String> fixtureParams() {
    return Map.of("factors", "4", "oversample", "4", "svdIterations", "20", "neighbors", "8");
  }
}
