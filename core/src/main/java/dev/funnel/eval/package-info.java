/**
 * Offline evaluation of recall models: {@link dev.funnel.eval.Evaluator#fullSort full-sort} top-K
 * metrics over all items (the LightGCN / BARS protocol, training items excluded) and the {@link
 * dev.funnel.eval.Evaluator#sampled sampled} NCF-style protocol; {@link dev.funnel.eval.Metric}
 * gives each metric's formula, {@link dev.funnel.eval.EvalResult} the result keys and {@link
 * dev.funnel.eval.EvalTable} the text table the CLI prints.
 */
package dev.funnel.eval;
