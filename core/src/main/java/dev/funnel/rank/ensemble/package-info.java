/**
 * A ranker made of rankers: {@link dev.funnel.rank.ensemble.Ensemble} trains every member on the same
 * samples and scores with the unweighted mean of their logits; the model file embeds each member's
 * own versioned file.
 */
package dev.funnel.rank.ensemble;
