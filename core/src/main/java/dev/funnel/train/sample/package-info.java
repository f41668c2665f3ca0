/**
 * Negative sampling: a proposal distribution ({@link dev.funnel.train.sample.UniformItemSampler},
 * popularity^alpha by the alias method in {@link dev.funnel.train.sample.AliasItemSampler}), the
 * exclusion of a user's positives ({@link dev.funnel.train.sample.NegativeSampler}) and hard negatives
 * mined from the current model in a rank window ({@link dev.funnel.train.sample.HardNegativeSampler}).
 * Samplers are immutable and shared by workers; each worker brings its own
 * {@link dev.funnel.train.WorkerRandom}, and the hard-negative sampler (which owns scratch) is made per
 * worker.
 */
package dev.funnel.train.sample;
