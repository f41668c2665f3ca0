package dev.funnel.pipeline;

/** Where a stage sits in a scene, and which interface its factory's product implements. */
public enum StageKind {
  /** {@link Channel}, under {@code channels:}. */
  CHANNEL("channels", Channel.class),
  /** {@link Filter}, under {@code filters:}. */
  FILTER("filters", Filter.class),
  /** {@link Ranker}, under {@code rank:}. */
  RANKER("rank", Ranker.class),
  /** {@link Reranker}, under {@code rerank:}. */
  RERANKER("rerank", Reranker.class);

  private final String section;
  private final Class<?> product;

  StageKind(String section, Class<?> product) {
    this.section = section;
    this.product = product;
  }

  /** The scene file's key for stages of this kind. */
  public String section() {
    return section;
  }

  public Class<?> product() {
    return product;
  }
}
