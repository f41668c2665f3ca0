package dev.funnel.pipeline.stacking;

import dev.funnel.rank.RankModel;
import java.util.Objects;

/**
 * A trained stacking ranker: the feature layout over the scene's channels and the rank model that
 * scores it, plus what its training saw (for reports).
 *
 * @param samples training rows (validation users' candidates, sub-sampled)
 * @param positives rows labelled 1
 */
public record StackingModel(StackingFeatures features, RankModel model, int samples, int positives) {
  public StackingModel {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(model, "model");
    if (!model.fields().equals(features.fields())) {
      throw new IllegalArgumentException("rank model fields (" + model.fields() + ") differ from the stacking features' (" + features.fields() + ")");
    }
  }
}
