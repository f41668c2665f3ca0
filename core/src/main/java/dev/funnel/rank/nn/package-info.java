/**
 * Dense layers for rankers: {@link dev.funnel.rank.nn.Linear} (forward and backward as GEMMs on the
 * SIMD kernels), {@link dev.funnel.rank.nn.Activation}, {@link dev.funnel.rank.nn.BatchNorm} and the
 * {@link dev.funnel.rank.nn.Mlp} stack, with hand-written backward passes. Dense parameters train with the Adam of {@code train.optim}
 * (one row holding a whole layer, so its per-row step count is the global step).
 */
package dev.funnel.rank.nn;
