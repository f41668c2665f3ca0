package dev.funnel.rank;

import dev.funnel.train.optim.OptimizerKind;

/**
 * Validation of the settings that factorization machines (FM, FFM) share, called from their config
 * records' canonical constructors so each bad value is named the same way in both.
 */
public final class FactorSettings {
  private FactorSettings() {}

  /** Throws naming the first bad field and its value; see FmConfig / FfmConfig for the meanings. */
  public static void check(int dim, OptimizerKind optimizer, double learningRate, double l2, double linearL2, double initStd,
      int epochs, int patience) {
    DenseSettings.positive("dim", dim);
    DenseSettings.set("optimizer", optimizer);
    DenseSettings.positiveFinite("learningRate", learningRate);
    DenseSettings.nonNegativeFinite("l2", l2);
    DenseSettings.nonNegativeFinite("linearL2", linearL2);
    DenseSettings.positiveFinite("initStd", initStd);
    DenseSettings.positive("epochs", epochs);
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be >= 0; patience=" + patience);
    }
  }
}
