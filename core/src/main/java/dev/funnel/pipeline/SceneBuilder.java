package dev.funnel.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;

/**
 * Builds a {@link Pipeline} from a scene: a parsed YAML (or JSON) mapping of plain Java values.
 * Every stage is found through {@link Stages} by its {@code type}; any unknown key, stage type,
 * model or bad value fails with a {@link SceneException} naming the file, the key path and the value.
 * The format is documented in {@code docs/pipeline.md}:
 *
 * <pre>
 * name: home                # default: the file name without extension
 * budget: 500               # candidates kept after the merge (default 500)
 * over_fetch: 2.0           # channels are asked for quota x over_fetch items (default 2)
 * timeout_ms: 50            # default per-channel timeout (default 50)
 * deadline_ms: 80           # optional: later stages that would start after 80 ms are skipped (degraded)
 * channels:                 # at least one; run concurrently
 *   - {name: i2i, type: item-to-item, model: itemcf, quota: 200, timeout_ms: 30}
 *   - {name: hot, type: popularity, list: trending, quota: 100}
 * filters:                  # besides the built-in exclude, allow-list, anchor item, availability
 *   - {type: seen}
 *   - {type: rule, expression: "price &lt; 100 and category in [books, music]"}
 * prerank: {type: fusion, keep: 100}  # optional: a cheap scorer; only its best 100 reach rank
 * rank: {type: fusion, method: rrf}   # default: reciprocal-rank fusion
 * ads: {bid: bid}           # optional: only items with a bid, by eCPM = pCTR x bid x 1000 (rank must give a probability)
 * rerank:
 *   - {type: scatter, window: 4, max: 1}
 * </pre>
 */
public final class SceneBuilder {
  static final Set<String> TOP_KEYS = Set.of("name", "description", "budget", "over_fetch", "timeout_ms", "deadline_ms", "channels", "filters", "rank",
      "rerank", "inline", "prerank", "ads");

  private final Stages stages;
  private final PipelineResources resources;
  private final ExecutorService executor;

  public SceneBuilder(Stages stages, PipelineResources resources, ExecutorService executor) {
    this.stages = stages;
    this.resources = resources;
    this.executor = executor;
  }

  /**
   * @param file the file's name for errors (and the default scene name, without extension)
   * @param scene the parsed file
   * @throws SceneException naming the file, key and value
   */
  public Pipeline build(String file, Map<String, Object> scene) {
    try {
      return buildUnlocated(file, scene);
    } catch (SceneException e) {
      throw e.inFile(file);
    } catch (IllegalArgumentException e) {
      throw new SceneException(file, null, null, e.getMessage());
    }
  }

  private Pipeline buildUnlocated(String file, Map<String, Object> scene) {
    if (scene == null) {
      throw new SceneException(null, null, null, "empty scene file");
    }
    for (String k : scene.keySet()) {
      if (!TOP_KEYS.contains(k)) {
        throw new SceneException(null, k, String.valueOf(scene.get(k)), "unknown key '" + k + "'; valid keys: " + new TreeSet<>(TOP_KEYS));
      }
    }
    Map<String, Object> top = new LinkedHashMap<>(scene);
    top.put("type", "scene");
    top.remove("channels");
    top.remove("filters");
    top.remove("rank");
    top.remove("rerank");
    top.remove("prerank");
    top.remove("ads");
    StageConfig sc = new StageConfig("scene", top, defaultName(file));
    String name = sc.name();
    sc.string("description", null);
    int budget = sc.integer("budget", 500, 1, 100_000);
    double overFetch = sc.number("over_fetch", 2.0, 1.0, 100.0);
    int timeout = sc.integer("timeout_ms", 50, 1, 600_000);
    int deadline = sc.integer("deadline_ms", 0, 0, 600_000);
    boolean inline = sc.bool("inline", false);
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new SceneException(null, "name", name, "must be 1-64 letters, digits, '_', '.' or '-'");
    }

    List<Pipeline.ChannelSlot> channels = new ArrayList<>();
    List<Map<String, Object>> channelMaps = list(scene, "channels", true);
    for (int c = 0; c < channelMaps.size(); c++) {
      StageConfig cfg = new StageConfig("channels[" + c + "]", channelMaps.get(c), null);
      int quota = cfg.integer("quota", 100, 1, 100_000);
      int channelTimeout = cfg.integer("timeout_ms", timeout, 1, 600_000);
      boolean channelInline = cfg.bool("inline", inline);
      Channel ch = (Channel) stages.create(StageKind.CHANNEL, cfg, resources);
      for (Pipeline.ChannelSlot s : channels) {
        if (s.channel().name().equals(ch.name())) {
          throw cfg.error("name", ch.name(), "two channels with one name (a second channel of a type needs its own 'name')");
        }
      }
      channels.add(new Pipeline.ChannelSlot(ch, quota, channelTimeout, channelInline));
    }
    List<Filter> filters = new ArrayList<>();
    List<Map<String, Object>> filterMaps = list(scene, "filters", false);
    for (int f = 0; f < filterMaps.size(); f++) {
      filters.add((Filter) stages.create(StageKind.FILTER, new StageConfig("filters[" + f + "]", filterMaps.get(f), null), resources));
    }
    Ranker ranker;
    Object rank = scene.get("rank");
    if (rank == null) {
      ranker = (Ranker) stages.create(StageKind.RANKER, StageConfig.of("fusion", Map.of()), resources);
    } else {
      if (!(rank instanceof Map<?, ?>)) {
        throw new SceneException(null, "rank", String.valueOf(rank), "must be a mapping with a 'type'");
      }
      ranker = (Ranker) stages.create(StageKind.RANKER, new StageConfig("rank", cast(rank), null), resources);
    }
    List<String> channelNames = new ArrayList<>();
    for (Pipeline.ChannelSlot s : channels) {
      channelNames.add(s.channel().name());
    }
    try {
      ranker.requireChannels(channelNames);
    } catch (IllegalArgumentException e) {
      throw new SceneException(null, "rank", ranker.description(), e.getMessage());
    }
    Pipeline.PrerankSlot prerank = prerank(scene.get("prerank"), channelNames);
    dev.funnel.pipeline.ads.AdsMode ads = null;
    if (scene.get("ads") != null) {
      ads = dev.funnel.pipeline.ads.AdsMode.read(scene.get("ads"), resources);
      if (!ranker.probability()) {
        throw new SceneException(null, "ads", String.valueOf(scene.get("ads")), "ads mode orders by eCPM = pCTR x bid x 1000 and needs a rank "
            + "stage whose score is a probability (pCTR), such as model-ranker; rank '" + ranker.description() + "' is not");
      }
    }
    List<Reranker> rerankers = new ArrayList<>();
    List<Map<String, Object>> rerankMaps = list(scene, "rerank", false);
    for (int r = 0; r < rerankMaps.size(); r++) {
      rerankers.add((Reranker) stages.create(StageKind.RERANKER, new StageConfig("rerank[" + r + "]", rerankMaps.get(r), null), resources));
    }
    sc.finish();
    return new Pipeline(name, channels, budget, overFetch, filters, ranker, rerankers, resources, executor, prerank, ads, deadline);
  }

  /**
   * The {@code prerank} block: any rank stage type with its keys plus {@code keep} (required, positive),
   * named {@code prerank} unless it says otherwise (a {@code model-ranker} finds its trained model by that name).
   */
  private Pipeline.PrerankSlot prerank(Object value, List<String> channelNames) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?>)) {
      throw new SceneException(null, "prerank", String.valueOf(value), "must be a mapping with a 'type' (a rank stage type) and 'keep'");
    }
    StageConfig cfg = new StageConfig("prerank", cast(value), "prerank");
    if (!cfg.has("keep")) {
      throw cfg.error("keep", null, "missing required key 'keep' (candidates the pre-rank passes on to the rank stage)");
    }
    int keep = cfg.integer("keep", 1, 1, 100_000);
    Ranker scorer = (Ranker) stages.create(StageKind.RANKER, cfg, resources);
    try {
      scorer.requireChannels(channelNames);
    } catch (IllegalArgumentException e) {
      throw new SceneException(null, "prerank", scorer.description(), e.getMessage());
    }
    return new Pipeline.PrerankSlot(scorer, keep);
  }

  private static String defaultName(String file) {
    String base = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    int dot = base.lastIndexOf('.');
    return dot > 0 ? base.substring(0, dot) : base;
  }

  private static List<Map<String, Object>> list(Map<String, Object> scene, String key, boolean required) {
    Object v = scene.get(key);
    if (v == null) {
      if (required) {
        throw new SceneException(null, key, null, "missing required key '" + key + "' (a list of stages)");
      }
      return List.of();
    }
    if (!(v instanceof List<?> l) || (required && l.isEmpty())) {
      throw new SceneException(null, key, String.valueOf(v), required ? "must be a non-empty list of stages" : "must be a list of stages");
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      if (!(l.get(i) instanceof Map<?, ?>)) {
        throw new SceneException(null, key + "[" + i + "]", String.valueOf(l.get(i)), "must be a mapping with a 'type'");
      }
      out.add(cast(l.get(i)));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    Map<String, Object> m = new LinkedHashMap<>();
    ((Map<Object, Object>) o).forEach((k, v) -> m.put(String.valueOf(k), v));
    return m;
  }
}
