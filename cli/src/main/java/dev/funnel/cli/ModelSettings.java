package dev.funnel.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code --set model.key=value} flags into per-model parameter maps. */
final class ModelSettings {
  private ModelSettings() {}

  /**
   * Groups settings by model; every setting must name one of {@code models} (a setting for a model
   * not being trained is an error, not silently ignored).
   */
  static Map<String, Map<String, String>> parse(List<String> settings, List<String> models) {
    Map<String, Map<String, String>> byModel = new LinkedHashMap<>();
    for (String m : models) {
      byModel.put(m, new LinkedHashMap<>());
    }
    for (String s : settings) {
      int eq = s.indexOf('=');
      int dot = s.indexOf('.');
      if (eq < 0 || dot < 0 || dot > eq) {
        throw new IllegalArgumentException("--set expects model.key=value; got '" + s + "'");
      }
      String model = s.substring(0, dot).trim();
      String key = s.substring(dot + 1, eq).trim();
      String value = s.substring(eq + 1).trim();
      Map<String, String> params = byModel.get(model);
      if (params == null) {
        throw new IllegalArgumentException("--set " + s + ": model '" + model + "' is not among the models given (" + String.join(", ", models) + ")");
      }
      params.put(key, value);
    }
    return byModel;
  }
}
