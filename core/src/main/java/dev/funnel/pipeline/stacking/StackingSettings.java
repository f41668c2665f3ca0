package dev.funnel.pipeline.stacking;

import dev.funnel.pipeline.StageConfig;
import java.util.Map;
import java.util.Objects;

/**
 * How a stacking ranker is trained (the {@code rank: {type: model-ranker, ...}} keys).
 *
 * @param algorithm a ranker of {@code Registry.rank} ({@code lr}, {@code fm}, ...)
 * @param params the ranker's parameters (key -> value)
 * @param validation share of each user's training interactions held out as labels (newest first when timed)
 * @param users validation users sampled at most
 * @param negatives unlabelled candidates kept per validation user at most (all positives are kept)
 * @param model whose training data gives popularity and activity (null: the scene's default activity model)
 */
public record StackingSettings(String algorithm, Map<String, String> params, double validation, int users, int negatives, String model) {
  public StackingSettings {
    Objects.requireNonNull(algorithm, "algorithm");
    params = Map.copyOf(params);
    if (!(validation > 0 && validation < 1)) {
      throw new IllegalArgumentException("validation must be in (0, 1); validation=" + validation);
    }
    if (users < 1) {
      throw new IllegalArgumentException("users must be positive; users=" + users);
    }
    if (negatives < 1) {
      throw new IllegalArgumentException("negatives must be positive; negatives=" + negatives);
    }
  }

  /** Reads the keys of a {@code model-ranker} stage (unknown keys are left to {@link StageConfig#finish}). */
  public static StackingSettings read(StageConfig config) {
    String algorithm = config.string("algorithm", "lr");
    if (!dev.funnel.registry.Registry.rankAlgorithms().containsKey(algorithm)) {
      throw config.error("algorithm", algorithm, "unknown ranker '" + algorithm + "'; rankers: "
          + String.join(", ", new java.util.TreeSet<>(dev.funnel.registry.Registry.rankAlgorithms().keySet())));
    }
    Map<String, String> params = config.scalars("params");
    double validation = config.number("validation", 0.1, 0.001, 0.999);
    int users = config.integer("users", 5000, 1, 10_000_000);
    int negatives = config.integer("negatives", 100, 1, 100_000);
    String model = config.string("model", null);
    return new StackingSettings(algorithm, params == null ? Map.of() : params, validation, users, negatives, model);
  }
}
