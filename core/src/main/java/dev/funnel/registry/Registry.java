package dev.funnel.registry;

import dev.funnel.recall.RecallAlgorithm;
import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The one place algorithms are found, by name, through {@code META-INF/services}. An unknown name
 * is an error that lists the valid ones: never a silent default (Gorse's pitfall).
 */
public final class Registry {
  private static final Map<String, RecallAlgorithm<?>> RECALL = load();

  private Registry() {}

  private static Map<String, RecallAlgorithm<?>> load() {
    Map<String, RecallAlgorithm<?>> map = new TreeMap<>();
    for (RecallAlgorithm<?> a : ServiceLoader.load(RecallAlgorithm.class, Registry.class.getClassLoader())) {
      RecallAlgorithm<?> prev = map.put(a.name(), a);
      if (prev != null) {
        throw new IllegalStateException("two recall algorithms named '" + a.name() + "': "
            + prev.getClass().getName() + " and " + a.getClass().getName());
      }
    }
    return Collections.unmodifiableMap(map);
  }

  /** The recall algorithm called {@code name}. */
  public static RecallAlgorithm<?> recall(String name) {
    RecallAlgorithm<?> a = RECALL.get(name);
    if (a == null) {
      throw new IllegalArgumentException("unknown model '" + name + "'; valid models: " + String.join(", ", RECALL.keySet()));
    }
    return a;
  }

  /** All recall algorithms by name, sorted. */
  public static Map<String, RecallAlgorithm<?>> recallAlgorithms() {
    return RECALL;
  }
}
