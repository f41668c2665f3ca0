package dev.funnel.registry;

import dev.funnel.rank.RankAlgorithm;
import dev.funnel.recall.RecallAlgorithm;
import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The one place algorithms are found, by name, through {@code META-INF/services}. An unknown name
 * is an error that lists the valid ones: never a silent default (Gorse's pitfall).
 */
public final class Registry {
  private static final Map<String, RecallAlgorithm<?>> RECALL = load(RecallAlgorithm.class, RecallAlgorithm<?>::name, "recall");
  private static final Map<String, RankAlgorithm<?>> RANK = load(RankAlgorithm.class, RankAlgorithm<?>::name, "ranking");

  private Registry() {}

  /** Every service of {@code type} by name; two with one name are an error naming both classes. */
  @SuppressWarnings("unchecked")
  private static <A> Map<String, A> load(Class<?> type, Function<A, String> name, String kind) {
    Map<String, A> map = new TreeMap<>();
    for (Object service : ServiceLoader.load(type, Registry.class.getClassLoader())) {
      A a = (A) service;
      A prev = map.put(name.apply(a), a);
      if (prev != null) {
        throw new IllegalStateException("two " + kind + " algorithms named '" + name.apply(a) + "': "
            + prev.getClass().getName() + " and " + a.getClass().getName());
      }
    }
    return Collections.unmodifiableMap(map);
  }

  /** The ranking algorithm called {@code name}. */
  public static RankAlgorithm<?> rank(String name) {
    RankAlgorithm<?> a = RANK.get(name);
    if (a == null) {
      throw new IllegalArgumentException("unknown ranking model '" + name + "'; valid ranking models: " + String.join(", ", RANK.keySet()));
    }
    return a;
  }

  /** All ranking algorithms by name, sorted. */
  public static Map<String, RankAlgorithm<?>> rankAlgorithms() {
    return RANK;
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
