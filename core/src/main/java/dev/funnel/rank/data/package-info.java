/**
 * Ranking samples built from a Funnel interaction dataset ({@link dev.funnel.rank.data.InteractionSamples}):
 * labels from event values, user / item / feature fields, a leakage-free behaviour sequence over the
 * item vocabulary for target-attention models, and a global time-cut split.
 */
package dev.funnel.rank.data;
