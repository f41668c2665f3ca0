package dev.funnel.train.optim;

/**
 * Settings of a {@link RowOptimizer}; fields a kind does not use are ignored by it.
 *
 * @param kind which optimizer
 * @param learningRate step size, &gt; 0
 * @param weightDecay L2 coefficient lambda &gt;= 0, added to the gradient as lambda * w (coupled L2,
 *     PyTorch's {@code weight_decay}), only on the rows being updated (lazy)
 * @param beta1 Adam first-moment decay in [0, 1)
 * @param beta2 Adam second-moment decay in [0, 1)
 * @param epsilon Adagrad/Adam denominator term, &gt; 0
 * @param initialAccumulator Adagrad starting value of the squared-gradient sum, &gt;= 0
 */
public record OptimizerConfig(OptimizerKind kind, double learningRate, double weightDecay, double beta1,
    double beta2, double epsilon, double initialAccumulator) {

  public OptimizerConfig {
    if (kind == null) {
      throw new IllegalArgumentException("kind must be set; kind=null");
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be positive and finite; learningRate=" + learningRate);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weightDecay must be >= 0 and finite; weightDecay=" + weightDecay);
    }
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("beta1 must be in [0, 1); beta1=" + beta1);
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta2 must be in [0, 1); beta2=" + beta2);
    }
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be positive and finite; epsilon=" + epsilon);
    }
    if (!(initialAccumulator >= 0) || Double.isInfinite(initialAccumulator)) {
      throw new IllegalArgumentException("initialAccumulator must be >= 0 and finite; initialAccumulator="
          + initialAccumulator);
    }
  }

  /** Plain SGD. */
  public static OptimizerConfig sgd(double learningRate) {
    return new OptimizerConfig(OptimizerKind.SGD, learningRate, 0, 0.9, 0.999, 1e-8, 0);
  }

  /** Adagrad with PyTorch's defaults (epsilon 1e-10, accumulator starting at 0). */
  public static OptimizerConfig adagrad(double learningRate) {
    return new OptimizerConfig(OptimizerKind.ADAGRAD, learningRate, 0, 0.9, 0.999, 1e-10, 0);
  }

  /** Adam with the paper's defaults beta1 0.9, beta2 0.999, epsilon 1e-8. */
  public static OptimizerConfig adam(double learningRate) {
    return new OptimizerConfig(OptimizerKind.ADAM, learningRate, 0, 0.9, 0.999, 1e-8, 0);
  }

  /** {@code kind} with its defaults above and {@code learningRate}. */
  public static OptimizerConfig of(OptimizerKind kind, double learningRate) {
    if (kind == null) {
      throw new IllegalArgumentException("kind must be set; kind=null");
    }
    return switch (kind) {
      case SGD -> sgd(learningRate);
      case ADAGRAD -> adagrad(learningRate);
      case ADAM -> adam(learningRate);
    };
  }

  public OptimizerConfig withWeightDecay(double lambda) {
    return new OptimizerConfig(kind, learningRate, lambda, beta1, beta2, epsilon, initialAccumulator);
  }

  /** A fresh optimizer of this kind with its own state over {@code table}. */
  public RowOptimizer create(EmbeddingTable table) {
    return switch (kind) {
      case SGD -> new SgdOptimizer(table, this);
      case ADAGRAD -> new AdagradOptimizer(table, this);
      case ADAM -> new AdamOptimizer(table, this);
    };
  }
}
