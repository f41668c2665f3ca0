package dev.funnel.rank.ffm;

import dev.funnel.rank.FactorSettings;
import dev.funnel.train.optim.OptimizerConfig;
import dev.funnel.train.optim.OptimizerKind;

/**
 * A field-aware factorization machine (Juan, Zhuang, Chin and Lin, RecSys 2016) trained per sample on
 * the logistic loss; the paper's trainer is Adagrad with L2, the default here.
 *
 * @param dim latent dimension k of each (feature, field) vector, &gt;= 1 (the paper: 4 on Criteo)
 * @param optimizer row optimizer for the latent vectors and the linear weights (ADAGRAD, ADAM or SGD)
 * @param learningRate step size, &gt; 0
 * @param l2 L2 (lambda) on the latent vectors a sample touches (coupled, lazy)
 * @param linearL2 L2 on the touched linear weights (never on the global bias)
 * @param initStd standard deviation of the Gaussian initial latent vectors, &gt; 0
 * @param epochs passes over the training data, &gt;= 1
 * @param patience epochs without a better validation AUC before stopping, &gt;= 0 (0: never stop early)
 */
public record FfmConfig(int dim, OptimizerKind optimizer, double learningRate, double l2, double linearL2, double initStd,
    int epochs, int patience) {
  public FfmConfig {
    FactorSettings.check(dim, optimizer, learningRate, l2, linearL2, initStd, epochs, patience);
  }

  public static FfmConfig defaults() {
    return new FfmConfig(8, OptimizerKind.ADAGRAD, 0.1, 1e-5, 1e-6, 0.01, 100, 2);
  }

  /** The optimizer settings with {@code lambda} as its L2. */
  OptimizerConfig optimizerConfig(double lambda) {
    return OptimizerConfig.of(optimizer, learningRate).withWeightDecay(lambda);
  }
}
