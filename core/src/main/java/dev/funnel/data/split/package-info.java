/**
 * Train/test splits of an {@link dev.funnel.data.EventTable}: {@link dev.funnel.data.split.Splitter}
 * implements random, per-user temporal, leave-last-out, global time cut and given splits;
 * {@link dev.funnel.data.split.SplitSpec} parses the command-line form.
 *
 * <p>Guarantees, tested on random tables for every kind: no (user, item) pair is in both the
 * train and the test matrix (test events repeating a train pair are removed and counted); per user,
 * temporal splits put no train event after a test event; the global cut puts every train event
 * before the cut and every test event at or after it. Cold users and items are dropped or kept per
 * {@link dev.funnel.data.split.ColdPolicy} and counted in the {@link dev.funnel.data.split.SplitReport}.
 */
package dev.funnel.data.split;
