package dev.funnel.recall.swing;

import dev.funnel.recall.RecallModelContractTest;
import java.util.Map;

class SwingContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "swing";
  }

  /** Small caps so the seeded sampling paths (users per item, items per user) run too. */
  @Override
  protected Map<String, String> fixtureParams() {
    return Map.of("maxUsersPerItem", "8", "maxItemsPerUser", "4");
  }
}
