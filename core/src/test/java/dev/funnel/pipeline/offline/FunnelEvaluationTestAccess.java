package dev.funnel.pipeline.offline;

import dev.funnel.data.Dataset;

/** The hand-made dataset of {@link FunnelEvaluationTest} for tests of other packages. */
public final class FunnelEvaluationTestAccess {
  private FunnelEvaluationTestAccess() {}

  public static Dataset tiny() {
    return FunnelEvaluationTest.tiny();
  }
}
