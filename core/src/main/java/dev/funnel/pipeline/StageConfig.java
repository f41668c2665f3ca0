package dev.funnel.pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One stage's keys from a scene file (a YAML mapping as plain Java values), read by its factory.
 * Every getter validates and names the key path and the value on error ({@link SceneException});
 * {@link #finish} then rejects keys nobody read, listing the valid ones, so a typo fails start-up
 * instead of being ignored.
 */
public final class StageConfig {
  private final String path;
  private final String name;
  private final String type;
  private final Map<String, Object> values;
  private final Set<String> used = new HashSet<>();

  /**
   * @param path the stage's place in the file, e.g. {@code channels[2]}
   * @param values the stage's mapping; {@code type} and {@code name} are read here
   * @param defaultName name when the mapping has none (for filters and re-rankers: the type)
   */
  public StageConfig(String path, Map<String, Object> values, String defaultName) {
    this.path = path;
    this.values = new LinkedHashMap<>(values);
    Object t = values.get("type");
    if (!(t instanceof String s) || s.isBlank()) {
      throw new SceneException(null, path + ".type", t == null ? null : String.valueOf(t), "every stage needs a 'type'");
    }
    this.type = s;
    used.add("type");
    Object n = values.get("name");
    used.add("name");
    if (n != null && (!(n instanceof String ns) || ns.isBlank())) {
      throw new SceneException(null, path + ".name", String.valueOf(n), "name must be a non-empty string");
    }
    this.name = n != null ? (String) n : defaultName != null ? defaultName : type;
  }

  /** A config over a plain map (tests, programmatic scenes). */
  public static StageConfig of(String type, Map<String, Object> values) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put("type", type);
    return new StageConfig(type, m, null);
  }

  public String path() {
    return path;
  }

  public String name() {
    return name;
  }

  public String type() {
    return type;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** An error about {@code key} (of this stage) and its value. */
  public SceneException error(String key, Object value, String message) {
    return new SceneException(null, path + "." + key, value == null ? null : String.valueOf(value), message);
  }

  public String string(String key, String defaultValue) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw error(key, v, "must be a non-empty string");
    }
    return s;
  }

  public String requiredString(String key) {
    String s = string(key, null);
    if (s == null) {
      throw error(key, null, "missing required key '" + key + "'");
    }
    return s;
  }

  /** One of {@code valid}. */
  public String choice(String key, String defaultValue, List<String> valid) {
    String s = string(key, defaultValue);
    if (s != null && !valid.contains(s)) {
      throw error(key, s, "must be one of " + valid);
    }
    return s;
  }

  public int integer(String key, int defaultValue, int min, int max) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
      throw error(key, v, "must be an integer in [" + min + ", " + max + "]");
    }
    return ((Number) v).intValue();
  }

  public double number(String key, double defaultValue, double min, double max) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Number n) || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
      throw error(key, v, "must be a number in [" + min + ", " + max + "]");
    }
    return n.doubleValue();
  }

  public boolean bool(String key, boolean defaultValue) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Boolean b)) {
      throw error(key, v, "must be true or false");
    }
    return b;
  }

  /** A list of non-empty strings (a single string is a list of one); null when absent. */
  public List<String> strings(String key) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return null;
    }
    List<?> raw = v instanceof List<?> l ? l : List.of(v);
    List<String> out = new ArrayList<>(raw.size());
    for (Object o : raw) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw error(key, v, "must be a list of non-empty strings");
      }
      out.add(s);
    }
    return out;
  }

  /** A mapping of string keys to numbers; null when absent. */
  public Map<String, Double> numbers(String key) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw error(key, v, "must be a mapping of names to numbers");
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getValue() instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw error(key + "." + e.getKey(), e.getValue(), "must be a finite number");
      }
      out.put(String.valueOf(e.getKey()), n.doubleValue());
    }
    return out;
  }

  /** A nested mapping of string keys to scalar values (as strings); null when absent. */
  public Map<String, String> scalars(String key) {
    used.add(key);
    Object v = values.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw error(key, v, "must be a mapping");
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((a, b) -> {
      if (b instanceof Map || b instanceof List || b == null) {
        throw error(key + "." + a, b, "must be a scalar");
      }
      out.put(String.valueOf(a), String.valueOf(b));
    });
    return out;
  }

  /** Rejects any key no getter read, naming it and the valid keys. */
  public void finish() {
    for (String k : values.keySet()) {
      if (!used.contains(k)) {
        Set<String> valid = new TreeSet<>(used);
        throw error(k, values.get(k), "unknown key '" + k + "' for stage type '" + type + "'; valid keys: " + valid);
      }
    }
  }
}
