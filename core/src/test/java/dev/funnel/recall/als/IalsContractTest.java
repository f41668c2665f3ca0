package dev.funnel.recall.als;

import dev.funnel.recall.RecallModelContractTest;
import java.util.Map;

class IalsContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "ials";
  }

  /** Rank 2 on 24 users x 12 items: the two blocks need two directions; slack directions keep noise that blurs item cosines. */
  @Override
  protected Map<String, String> fixtureParams() {
    return Map.of("dim", "2", "iterations", "10", "scheme", "HU", "unobservedWeight", "1", "regExponent", "0", "alpha", "2",
        "reg", "0.1", "initStd", "0.1");
  }
}
