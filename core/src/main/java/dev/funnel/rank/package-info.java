/**
 * The ranking stage: sparse labelled samples ({@link dev.funnel.rank.SampleBatch}, read from libFM /
 * libsvm text by {@link dev.funnel.rank.LibsvmReader}), the {@link dev.funnel.rank.RankModel} /
 * {@link dev.funnel.rank.RankAlgorithm} contract (found by {@link dev.funnel.registry.Registry#rank}),
 * and the versioned {@link dev.funnel.rank.RankModelFile}. One sub-package per algorithm, as for
 * recall; metrics (AUC, GAUC, logloss, calibration) in {@code dev.funnel.rank.eval}.
 */
package dev.funnel.rank;
