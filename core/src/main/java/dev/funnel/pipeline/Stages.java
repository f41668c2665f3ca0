package dev.funnel.pipeline;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The stage registry: every {@link StageFactory} on the class path
 * ({@code META-INF/services/dev.funnel.pipeline.StageFactory}), by kind and type. An unknown type
 * fails naming the valid ones; two factories with one type fail at load.
 */
public final class Stages {
  private static volatile Stages defaults;

  private final Map<StageKind, Map<String, StageFactory>> factories = new EnumMap<>(StageKind.class);

  public Stages(Iterable<StageFactory> all) {
    for (StageKind k : StageKind.values()) {
      factories.put(k, new TreeMap<>());
    }
    for (StageFactory f : all) {
      StageFactory old = factories.get(f.kind()).put(f.type(), f);
      if (old != null) {
        throw new IllegalStateException("two " + f.kind() + " stage factories of type '" + f.type() + "': " + old.getClass().getName()
            + " and " + f.getClass().getName());
      }
    }
  }

  /** The factories found by ServiceLoader (loaded once). */
  public static Stages installed() {
    Stages s = defaults;
    if (s == null) {
      s = new Stages(ServiceLoader.load(StageFactory.class, Stages.class.getClassLoader()));
      defaults = s;
    }
    return s;
  }

  /** Types of a kind, sorted. */
  public java.util.Set<String> types(StageKind kind) {
    return factories.get(kind).keySet();
  }

  /** Builds the stage {@code config} describes; an unknown type fails naming the valid ones. */
  public Object create(StageKind kind, StageConfig config, PipelineResources resources) {
    StageFactory f = factories.get(kind).get(config.type());
    if (f == null) {
      throw config.error("type", config.type(), "unknown " + kind.section() + " stage type '" + config.type() + "'; valid: "
          + String.join(", ", types(kind)));
    }
    Object stage = f.create(config, resources);
    config.finish();
    if (!kind.product().isInstance(stage)) {
      throw new IllegalStateException(f.getClass().getName() + " made a " + stage.getClass().getName() + ", not a " + kind.product().getSimpleName());
    }
    return stage;
  }
}
