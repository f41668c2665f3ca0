package dev.funnel.pipeline;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.store.catalog.ItemRecord;
import java.util.Collection;

/**
 * What stages may reach when they are built and run: the models serving now (each behind its
 * {@link OnlineRecommender}, which also holds the online state: user histories, seen and negative
 * items, popularity counters) and the catalogue. The live service implements it; tests use a map.
 *
 * <p>A model may be swapped while a scene serves: stages read {@link OnlineRecommender#saved()} per
 * request and never keep a model's arrays beyond it.
 */
public interface PipelineResources {
  /** Names of the models that can serve. */
  Collection<String> models();

  /** The model's live recommender, or null when no such model serves. */
  OnlineRecommender model(String name);

  /** The catalogue record of an item, or null when the catalogue does not hold it (or there is none). */
  ItemRecord item(String id);

  /**
   * Visits every catalogue item (for stages that index the catalogue when they are built, such as the
   * content channel); the default has no catalogue and visits nothing.
   */
  default void forEachItem(java.util.function.Consumer<? super ItemRecord> sink) {}

  /** The user's profile ({@code PUT /v1/users}), or null when there is none (the default: no user profiles). */
  default dev.funnel.store.catalog.UserRecord user(String id) {
    return null;
  }

  /** Whether the item may be returned now (catalogue: available, published, not expired; unknown items may). */
  boolean recommendable(String item);

  /** The model whose online state (user history, seen items) filters use when a scene names none: the first by name. */
  default OnlineRecommender activity() {
    String first = null;
    for (String m : models()) {
      if (first == null || m.compareTo(first) < 0) {
        first = m;
      }
    }
    return first == null ? null : model(first);
  }

  /** The model named by a stage's {@code model} key, failing like any bad value (naming the valid models). */
  default OnlineRecommender requireModel(StageConfig config, String key, String name) {
    OnlineRecommender r = model(name);
    if (r == null) {
      throw config.error(key, name, "unknown model '" + name + "'; models: " + String.join(", ", new java.util.TreeSet<>(models())));
    }
    return r;
  }
}
