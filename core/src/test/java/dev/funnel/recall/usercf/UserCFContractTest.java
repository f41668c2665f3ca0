package dev.funnel.recall.usercf;

import dev.funnel.recall.RecallModelContractTest;

class UserCFContractTest extends RecallModelContractTest {
  @Override
  protected String algorithmName() {
    return "usercf";
  }
}
