package dev.funnel.recall.simplex;

/**
 * How SimpleX's user tower aggregates the user's history (Mao et al., CIKM 2021, section 3.1).
 */
public enum SimplexAggregator {
  /** {@code V mean(h_j)}: {@link BehaviorAggregator}. */
  MEAN,
  /**
   * {@code V sum_j alpha_j h_j} with attention weights from the user's own embedding against
   * {@code tanh(W_k h_j + b)}: {@link CrossAttentionAggregator} (the reference code's {@code user_attention}).
   */
  CROSS_ATTENTION
}
