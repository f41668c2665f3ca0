package dev.funnel.recall.als;

import dev.funnel.recall.RecallModelContractTest;
import java.util.Map;

/** The same contract under the Rendle et al. 2021 scheme, solved exactly. */
class IalsRendleContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "ials";
  }

  @Override
  protected Map<String, String> fixtureParams() {
    return Map.of("dim", "2", "iterations", "10", "scheme", "RENDLE", "unobservedWeight", "0.1", "regExponent", "1",
        "reg", "0.01", "solver", "CHOLESKY", "initStd", "0.1");
  }
}
