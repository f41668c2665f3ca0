/**
 * The in-memory online state that makes recommendations reflect events at once, without
 * retraining: configured {@link dev.funnel.online.EventTypes}, per-user recent activity
 * ({@link dev.funnel.online.UserActivity}), live popularity ({@link dev.funnel.online.PopularityCounters}),
 * a growable item registry ({@link dev.funnel.online.ItemIds}), and
 * {@link dev.funnel.online.OnlineRecommender} which combines them with a saved model.
 *
 * <p>Everything here is derived from the event log and bounded in memory; a restart rebuilds it by
 * replaying the log through {@code observe}.
 */
package dev.funnel.online;
