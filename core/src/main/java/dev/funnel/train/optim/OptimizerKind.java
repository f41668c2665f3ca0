package dev.funnel.train.optim;

/** The row-wise optimizers. */
public enum OptimizerKind {
  SGD,
  ADAGRAD,
  ADAM
}
