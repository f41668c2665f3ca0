/**
 * The numeric training core shared by every learned model: {@link dev.funnel.train.WorkerRandom} (the
 * per-worker RNG contract), negative {@link dev.funnel.train.sample samplers}, row-wise sparse
 * {@link dev.funnel.train.optim optimizers} over embedding tables and {@link dev.funnel.train.loss
 * losses} with analytic gradients. Hot paths take caller-owned scratch and allocate nothing.
 */
package dev.funnel.train;
