package dev.funnel.pipeline.experiment;

import dev.funnel.pipeline.Pipeline;
import dev.funnel.pipeline.SceneBuilder;
import dev.funnel.pipeline.SceneException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A scene that splits its traffic between variants, each a whole scene: a user always lands in the
 * same variant, by a stable hash of the experiment's name and the user id (FNV-1a 64, so the split
 * is the same on every server and across restarts, and independent between experiments). Requests
 * without a user hash the anchor item. The scene file:
 *
 * <pre>
 * name: home                     # the scene= value
 * experiment:
 *   name: home-ranking           # GET /v1/experiments/home-ranking (default: the scene's name)
 *   split: [50, 50]              # percentages in variant order, summing to 100 (default: equal)
 *   variants:                    # two or more, in order; the first is the control of the z-tests
 *     a: variants/home_a.yaml    # a scene file, relative to the scenes folder
 *     b: {channels: [...], rank: {...}}   # or a scene inline
 * </pre>
 */
public final class Experiment {
  static final Set<String> TOP_KEYS = Set.of("name", "description", "experiment");
  static final Set<String> KEYS = Set.of("name", "split", "variants");

  private final String scene;
  private final String name;
  private final List<String> variants;
  private final List<Pipeline> pipelines;
  private final int[] upTo;

  /**
   * @param split percentages per variant, summing to 100
   */
  public Experiment(String scene, String name, List<String> variants, List<Pipeline> pipelines, int[] split) {
    if (variants.size() < 2 || variants.size() != pipelines.size() || variants.size() != split.length) {
      throw new IllegalArgumentException("an experiment needs two or more variants, each with a scene and a split; variants=" + variants);
    }
    int sum = 0;
    upTo = new int[split.length];
    for (int i = 0; i < split.length; i++) {
      if (split[i] < 0) {
        throw new IllegalArgumentException("split must be non-negative; split[" + i + "]=" + split[i]);
      }
      sum += split[i];
      upTo[i] = sum;
    }
    if (sum != 100) {
      throw new IllegalArgumentException("split must sum to 100; sum=" + sum);
    }
    this.scene = scene;
    this.name = name;
    this.variants = List.copyOf(variants);
    this.pipelines = java.util.Collections.unmodifiableList(new ArrayList<>(pipelines));
  }

  /** The scene name requests use. */
  public String scene() {
    return scene;
  }

  public String name() {
    return name;
  }

  public List<String> variants() {
    return variants;
  }

  public Pipeline pipeline(int variant) {
    return pipelines.get(variant);
  }

  /** The split's percentage of each variant. */
  public int share(int variant) {
    return upTo[variant] - (variant == 0 ? 0 : upTo[variant - 1]);
  }

  /** The variant of a user (or, without one, of the anchor item). */
  public int variantOf(String key) {
    int bucket = bucket(name, key == null ? "" : key);
    for (int i = 0; i < upTo.length; i++) {
      if (bucket < upTo[i]) {
        return i;
      }
    }
    return upTo.length - 1;
  }

  /** {@code FNV-1a-64(name + '\0' + key) mod 100}. */
  static int bucket(String name, String key) {
    long h = 0xcbf29ce484222325L;
    byte[] bytes = (name + '\u0000' + key).getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return (int) Long.remainderUnsigned(h, 100);
  }

  /** Whether a parsed scene file is an experiment (has the {@code experiment} key). */
  public static boolean isExperiment(Map<String, Object> scene) {
    return scene != null && scene.containsKey("experiment");
  }

  /**
   * Builds an experiment scene file.
   *
   * @param file the file, for errors and the default scene name
   * @param readFile reads a variant file given as a path relative to the scenes folder, returning its
   *     label for errors and parsed mapping (throws {@link SceneException} when it cannot)
   */
  public static Experiment build(String file, Map<String, Object> scene, SceneBuilder builder,
      Function<String, Map.Entry<String, Map<String, Object>>> readFile) {
    for (String k : scene.keySet()) {
      if (!TOP_KEYS.contains(k)) {
        throw new SceneException(file, k, String.valueOf(scene.get(k)), "unknown key '" + k + "' in an experiment scene; valid keys: "
            + new TreeSet<>(TOP_KEYS) + " (channels and stages go in the variants)");
      }
    }
    String base = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    String sceneName = scene.get("name") instanceof String s ? s : base.contains(".") ? base.substring(0, base.lastIndexOf('.')) : base;
    if (!sceneName.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new SceneException(file, "name", sceneName, "must be 1-64 letters, digits, '_', '.' or '-'");
    }
    if (!(scene.get("experiment") instanceof Map<?, ?> exp)) {
      throw new SceneException(file, "experiment", String.valueOf(scene.get("experiment")), "must be a mapping with 'variants'");
    }
    for (Object k : exp.keySet()) {
      if (!KEYS.contains(String.valueOf(k))) {
        throw new SceneException(file, "experiment." + k, String.valueOf(exp.get(k)), "unknown key '" + k + "'; valid keys: " + new TreeSet<>(KEYS));
      }
    }
    Object n = exp.get("name");
    String name = n == null ? sceneName : String.valueOf(n);
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new SceneException(file, "experiment.name", name, "must be 1-64 letters, digits, '_', '.' or '-'");
    }
    if (!(exp.get("variants") instanceof Map<?, ?> vs) || vs.size() < 2) {
      throw new SceneException(file, "experiment.variants", String.valueOf(exp.get("variants")),
          "must map two or more variant names to a scene file or an inline scene");
    }
    List<String> names = new ArrayList<>();
    List<Pipeline> pipelines = new ArrayList<>();
    for (Map.Entry<?, ?> e : vs.entrySet()) {
      String v = String.valueOf(e.getKey());
      String key = "experiment.variants." + v;
      if (!v.matches("[A-Za-z0-9_-]{1,32}")) {
        throw new SceneException(file, key, v, "a variant name must be 1-32 letters, digits, '_' or '-'");
      }
      String label;
      Map<String, Object> variantScene;
      if (e.getValue() instanceof String path) {
        Map.Entry<String, Map<String, Object>> read = readFile.apply(path);
        label = read.getKey();
        variantScene = read.getValue();
      } else if (e.getValue() instanceof Map<?, ?> inline) {
        label = file + " (" + key + ")";
        variantScene = new LinkedHashMap<>();
        for (Map.Entry<?, ?> ie : inline.entrySet()) {
          variantScene.put(String.valueOf(ie.getKey()), ie.getValue());
        }
      } else {
        throw new SceneException(file, key, String.valueOf(e.getValue()), "must be a scene file name or an inline scene mapping");
      }
      if (isExperiment(variantScene)) {
        throw new SceneException(label, "experiment", null, "a variant cannot itself be an experiment");
      }
      variantScene = new LinkedHashMap<>(variantScene);
      variantScene.put("name", sceneName + "." + v); // per-variant channel and position statistics
      names.add(v);
      pipelines.add(builder.build(label, variantScene));
    }
    int[] split = new int[names.size()];
    Object sp = exp.get("split");
    if (sp == null) {
      for (int i = 0; i < split.length; i++) {
        split[i] = 100 / split.length + (i < 100 % split.length ? 1 : 0);
      }
    } else {
      if (!(sp instanceof List<?> l) || l.size() != split.length) {
        throw new SceneException(file, "experiment.split", String.valueOf(sp), "must list one percentage per variant (" + split.length + ")");
      }
      int sum = 0;
      for (int i = 0; i < split.length; i++) {
        if (!(l.get(i) instanceof Integer p) || p < 0 || p > 100) {
          throw new SceneException(file, "experiment.split[" + i + "]", String.valueOf(l.get(i)), "must be an integer percentage in [0, 100]");
        }
        split[i] = p;
        sum += p;
      }
      if (sum != 100) {
        throw new SceneException(file, "experiment.split", String.valueOf(sp), "percentages must sum to 100; sum=" + sum);
      }
    }
    return new Experiment(sceneName, name, names, pipelines, split);
  }
}
