package dev.funnel.rank.fm;

import dev.funnel.rank.FactorSettings;
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
    FactorSettings.check(dim, optimizer, learningRate, l2, linearL2, initStd, epochs, patience);
  }

  public static FmConfig defaults() {
    return new FmConfig(10, OptimizerKind.ADAGRAD, 0.1, 1e-5, 1e-6, 0.01, 100, 2);
  }

  /** The optimizer settings with {@code lambda} as its L2. */
  OptimizerConfig optimizerConfig(double lambda) {
    return OptimizerConfig.of(optimizer, learningRate).withWeightDecay(lambda);
  }
}
