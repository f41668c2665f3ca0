package dev.funnel.rank.ensemble;

import dev.funnel.config.Params;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.registry.Registry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ensemble of registered rankers, each trained with its own parameters.
 *
 * <p>As key=value settings (CLI {@code --set ensemble.KEY=VALUE}, a preset's {@code params}):
 * {@code members=deepfm,dcnv2,widedeep} and one dotted key per member parameter, {@code
 * dcnv2.crossLayers=3}; a member's unset parameters keep that ranker's defaults. A preset may also
 * nest them ({@code dcnv2: {crossLayers: 3}}).
 *
 * @param members registered ranking model names, comma separated, at least two, each once
 * @param memberParams {@code MEMBER.KEY -> VALUE}; every MEMBER is listed in {@code members} and every
 *     KEY is valid for that member (checked here, with the member's own range checks)
 */
public record EnsembleConfig(String members, Map<String, String> memberParams) {
  public EnsembleConfig {
    List<String> names = split(members);
    memberParams = memberParams == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(memberParams));
    for (String key : memberParams.keySet()) {
      int dot = key.indexOf('.');
      String member = dot < 0 ? key : key.substring(0, dot);
      if (dot <= 0 || dot == key.length() - 1) {
        throw new IllegalArgumentException("member parameters are MEMBER.KEY=VALUE; got '" + key + "=" + memberParams.get(key) + "'");
      }
      if (!names.contains(member)) {
        throw new IllegalArgumentException("parameter '" + key + "' names member '" + member + "', which is not among members=" + members);
      }
    }
    for (String name : names) {
      memberConfig(name, paramsOf(memberParams, name));
    }
  }

  /** DeepFM, DCN-V2 and Wide&amp;Deep at their defaults. */
  public static EnsembleConfig defaults() {
    return new EnsembleConfig("deepfm,dcnv2,widedeep", Map.of());
  }

  /** The member names, in order. */
  public List<String> memberNames() {
    return split(members);
  }

  /** Member {@code name}'s resolved config: its ranker's defaults with this ensemble's {@code name.*} settings. */
  public Record memberConfig(String name) {
    return memberConfig(name, paramsOf(memberParams, name));
  }

  /** This config with every member parameter spelled out (defaults included), so a model file says exactly what each member ran with. */
  public EnsembleConfig resolved() {
    Map<String, String> all = new LinkedHashMap<>();
    for (String name : memberNames()) {
      Params.toStrings(memberConfig(name)).forEach((k, v) -> all.put(name + "." + k, v));
    }
    return new EnsembleConfig(members, all);
  }

  /** Member {@code name}'s settings, without the prefix. */
  public Map<String, String> paramsOf(String name) {
    return paramsOf(memberParams, name);
  }

  private static Map<String, String> paramsOf(Map<String, String> all, String name) {
    Map<String, String> out = new LinkedHashMap<>();
    String prefix = name + ".";
    all.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  private static Record memberConfig(String name, Map<String, String> params) {
    RankAlgorithm<?> algorithm = Registry.rank(name);
    try {
      return Params.bind(algorithm.defaultConfig(), params);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("member '" + name + "': " + e.getMessage(), e);
    }
  }

  private static List<String> split(String members) {
    if (members == null || members.isBlank()) {
      throw new IllegalArgumentException("members must name at least two ranking models, comma separated; members='" + members + "'");
    }
    List<String> names = new ArrayList<>();
    for (String part : members.split(",", -1)) {
      String name = part.trim();
      if (name.isEmpty()) {
        throw new IllegalArgumentException("members has an empty name; members='" + members + "'");
      }
      if (name.equals(Ensemble.NAME)) {
        throw new IllegalArgumentException("members cannot include an ensemble; members=" + members);
      }
      if (names.contains(name)) {
        throw new IllegalArgumentException("members lists '" + name + "' twice; members=" + members);
      }
      if (!Registry.rankAlgorithms().containsKey(name)) {
        throw new IllegalArgumentException("members names unknown ranking model '" + name + "'; members=" + members + "; valid: "
            + String.join(", ", Registry.rankAlgorithms().keySet()));
      }
      names.add(name);
    }
    if (names.size() < 2) {
      throw new IllegalArgumentException("members must name at least two ranking models, comma separated; members=" + members);
    }
    return names;
  }
}
