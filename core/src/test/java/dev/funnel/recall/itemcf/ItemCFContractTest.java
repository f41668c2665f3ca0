package dev.funnel.recall.itemcf;

import dev.funnel.recall.RecallModelContractTest;

class ItemCFContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "itemcf";
  }
}
