package dev.funnel.rank.fm;

import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.OptimizerKind;

/**
 * A factorization machine (Rendle, ICDM 2010) trained per sample on the logistic loss.
 *
 * @param dim factor dimension k, &gt;= 1
 * @param optimizer row optimizer for the factors and the linear weights (ADAGRAD or ADAM; SGD works too)
 * @param learningRate step size, &gt; 0
 * @param l2 L2 on the factor rows a sample touches (coupled, lazy: only rows that are updated)
 * @param linearL2 L2 on the touched linear weights (never on the global bias)
 * @param initStd standard deviation of the Gaussian initial factors, &gt; 0
 * @param epochs passes over the training data, &gt;= 1
 * @param patience epochs without a better validation AUC before stopping, &gt;= 0 (0: never stop early)
 */
public record FmConfig(int dim, OptimizerKind optimizer, double learningRate, double l2, double linearL2, double initStd,
    int epochs, int patience) {
  public FmConfig {
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

  public static FmConfig defaults() {
    return new FmConfig(10, OptimizerKind.ADAGRAD, 0.1, 1e-5, 1e-6, 0.01, 100, 2);
  }

  /** The optimizer settings with {@code lambda} as its L2. */
  OptimizerConfig optimizerConfig(double lambda) {
    OptimizerConfig base = switch (optimizer) {
      case SGD -> OptimizerConfig.sgd(learningRate);
      case ADAGRAD -> OptimizerConfig.adagrad(learningRate);
      case ADAM -> OptimizerConfig.adam(learningRate);
    };
    return base.withWeightDecay(lambda);
  }
}
