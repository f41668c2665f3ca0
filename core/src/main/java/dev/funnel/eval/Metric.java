package dev.funnel.eval;

/**
 * The top-K metrics of full-sort evaluation, in the order their keys appear in an {@link
 * EvalResult} ({@code "recall@20"}, {@code "ndcg@20"}, ...). Definitions follow the LightGCN
 * reference code (gusye1234/LightGCN-PyTorch {@code utils.py}: {@code RecallPrecision_ATk},
 * {@code NDCGatK_r}), which BARS uses for its Gowalla board, and RecBole's {@code
 * recbole/evaluator/metrics.py} for MRR, MAP, item coverage and average popularity.
 *
 * <p>Notation for one user u: R(u) the test items, \hat R_K(u) the top K items after the user's
 * training items were excluded, rel(r) = 1 if the item at rank r (1-based) is in R(u) else 0.
 * Per-user values are averaged over the users with |R(u)| &gt; 0, except coverage (one set over all
 * of them).
 */
public enum Metric {
  /** Recall@K = |\hat R_K(u) ∩ R(u)| / |R(u)| (the full test size, not min(|R(u)|, K)). */
  RECALL("recall"),
  /**
   * NDCG@K = DCG@K / IDCG@K with binary relevance: DCG@K = Σ_{r=1..K} rel(r) / log2(r+1), IDCG@K =
   * Σ_{r=1..min(|R(u)|, K)} 1 / log2(r+1).
   */
  NDCG("ndcg"),
  /** Precision@K = |\hat R_K(u) ∩ R(u)| / K (K, even when fewer than K items could be ranked). */
  PRECISION("precision"),
  /** HitRate@K = 1 if \hat R_K(u) ∩ R(u) is non-empty, else 0. */
  HITRATE("hitrate"),
  /** MRR@K = 1 / rank of the first hit within the top K, 0 if there is none. */
  MRR("mrr"),
  /**
   * MAP@K = (Σ_{r=1..K} rel(r) · Precision@r) / min(|R(u)|, K), RecBole's normalisation (its {@code
   * MAP.metric_info} divides by min(pos_len, K)), so a user with fewer test items than K can reach 1.
   */
  MAP("map"),
  /**
   * Coverage@K = |∪_u \hat R_K(u)| / numItems over the evaluated users (RecBole {@code
   * ItemCoverage}).
   */
  COVERAGE("coverage"),
  /**
   * Popularity@K = mean over users of (Σ_{i ∈ \hat R_K(u)} deg(i)) / |\hat R_K(u)|, deg(i) the number
   * of training interactions of item i (RecBole {@code AveragePopularity}); a user with an empty
   * list contributes 0.
   */
  POPULARITY("popularity");

  private final String name;

  Metric(String name) {
    this.name = name;
  }

  /** The short name, e.g. {@code "ndcg"}. */
  public String shortName() {
    return name;
  }

  /** The result key at cutoff k, e.g. {@code "ndcg@20"}. */
  public String key(int k) {
    return name + "@" + k;
  }
}
