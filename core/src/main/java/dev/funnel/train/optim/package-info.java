/**
 * Sparse row-wise optimizers (SGD, Adagrad, lazy Adam with per-row step counts) over
 * {@link dev.funnel.train.optim.EmbeddingTable}s, safe for lock-free Hogwild updates.
 */
package dev.funnel.train.optim;
