/**
 * Multi-task ranking: {@link dev.funnel.rank.multitask.MultiTaskBatch} (samples plus one label array
 * per named task, e.g. click and conversion), {@link dev.funnel.rank.multitask.MultiTaskModel} (a
 * {@link dev.funnel.rank.RankModel} with a probability per task; its main task is what {@code
 * score(batch)} returns, so it goes through the registry and {@link dev.funnel.rank.RankModelFile}
 * unchanged), {@link dev.funnel.rank.multitask.MultiTaskAlgorithm} and per-task metrics ({@link
 * dev.funnel.rank.multitask.MultiTaskEvaluation}).
 *
 * <p>The click-conversion models share one loss ({@link dev.funnel.rank.multitask.ClickConversionLoss},
 * entire-space as ESMM or clicked-only), one embedding front ({@link
 * dev.funnel.rank.multitask.ClickConversionNet}) and one trainer ({@link
 * dev.funnel.rank.multitask.ClickConversionTraining}); sub-packages hold the networks: {@code esmm}
 * (Ma et al., SIGIR 2018), {@code mmoe} (Ma et al., KDD 2018), {@code ple} (Tang et al., RecSys 2020)
 * over {@code experts} (CGC levels), and {@code synthetic}, a seeded impression world with known
 * click and conversion probabilities.
 */
package dev.funnel.rank.multitask;
