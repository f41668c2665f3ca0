package dev.funnel.recall.bspm;

import dev.funnel.recall.RecallModelContractTest;
import java.util.Map;

class BspmContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "bspm";
  }

  /** The fixture has 12 items: 4 singular vectors (the two blocks' spectrum) with 4 more iterated. */
  @Override
  protected Map<String, String> fixtureParams() {
    return Map.of("factors", "4", "oversample", "4", "svdIterations", "20");
  }
}
