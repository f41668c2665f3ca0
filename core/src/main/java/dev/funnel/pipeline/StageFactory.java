package dev.funnel.pipeline;

/**
 * Builds one type of stage from its scene configuration; found through {@link Stages} (ServiceLoader,
 * {@code META-INF/services/dev.funnel.pipeline.StageFactory}), so no pipeline code names a stage.
 * {@link #create} reads its keys through {@link StageConfig}, which rejects unknown keys and bad
 * values naming them, and fails (unchecked) when a model or resource it needs is missing.
 */
public interface StageFactory {
  /** The scene's {@code type:} value, e.g. {@code item-to-item}, {@code mmr}. */
  String type();

  StageKind kind();

  /** A stage implementing {@link StageKind#product()} of {@link #kind()}. */
  Object create(StageConfig config, PipelineResources resources);
}
