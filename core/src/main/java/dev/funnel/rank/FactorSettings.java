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
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be positive; dim=" + dim);
    }
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer must be set; optimizer=null");
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be positive and finite; learningRate=" + learningRate);
    }
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("l2 must be >= 0 and finite; l2=" + l2);
    }
    if (!(linearL2 >= 0) || Double.isInfinite(linearL2)) {
      throw new IllegalArgumentException("linearL2 must be >= 0 and finite; linearL2=" + linearL2);
    }
    if (!(initStd > 0) || Double.isInfinite(initStd)) {
      throw new IllegalArgumentException("initStd must be positive and finite; initStd=" + initStd);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be positive; epochs=" + epochs);
    }
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be >= 0; patience=" + patience);
    }
  }
}
