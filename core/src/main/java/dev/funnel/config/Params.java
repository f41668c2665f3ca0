package dev.funnel.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Binds string key=value settings onto a config record: defaults &lt; file &lt; command line, each
 * layer a map applied with {@link #bind}. Unknown keys and unparsable values are errors naming the
 * key and value; range checks live in the record's canonical constructor.
 *
 * <p>Nested settings: a record may have one {@code Map<String, String>} component; it collects every
 * dotted key {@code PREFIX.KEY} (e.g. an ensemble's {@code deepfm.dropout=0.2}) on top of the base
 * record's map, and {@link #toStrings} writes its entries back as those dotted keys, so the record
 * round-trips through a model file's flat string map. The record validates the nested keys.
 */
public final class Params {
  private Params() {}

  /** A copy of {@code base} with {@code overrides} applied. */
  public static <C extends Record> C bind(C base, Map<String, String> overrides) {
    @SuppressWarnings("unchecked")
    Class<C> type = (Class<C>) base.getClass();
    RecordComponent[] comps = type.getRecordComponents();
    Map<String, RecordComponent> byName = new LinkedHashMap<>();
    for (RecordComponent c : comps) {
      byName.put(c.getName(), c);
    }
    RecordComponent nested = nestedComponent(comps);
    Map<String, String> nestedValues = null;
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String key = e.getKey();
      if (nested != null && key.equals(nested.getName())) {
        throw new IllegalArgumentException("parameter '" + key + "' of " + type.getSimpleName() + " is set through dotted keys PREFIX.KEY=VALUE; got '"
            + key + "=" + e.getValue() + "'");
      }
      if (nested != null && !byName.containsKey(key) && key.indexOf('.') > 0) {
        if (nestedValues == null) {
          @SuppressWarnings("unchecked")
          Map<String, String> base0 = (Map<String, String>) get(base, nested);
          nestedValues = base0 == null ? new LinkedHashMap<>() : new LinkedHashMap<>(base0);
        }
        nestedValues.put(key, e.getValue());
        continue;
      }
      if (!byName.containsKey(key)) {
        throw new IllegalArgumentException("unknown parameter '" + key + "' for " + type.getSimpleName()
            + "; valid: " + String.join(", ", new TreeSet<>(byName.keySet())) + (nested == null ? "" : ", or PREFIX.KEY for " + nested.getName()));
      }
    }
    Object[] args = new Object[comps.length];
    Class<?>[] types = new Class<?>[comps.length];
    for (int n = 0; n < comps.length; n++) {
      RecordComponent c = comps[n];
      types[n] = c.getType();
      String raw = overrides.get(c.getName());
      args[n] = c == nested ? (nestedValues == null ? get(base, c) : nestedValues)
          : raw == null ? get(base, c) : parse(c.getName(), c.getType(), raw);
    }
    try {
      Constructor<C> ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + type.getName(), e);
    }
  }

  /** The record's fields as an ordered name -> value map (numbers, booleans, strings, enum names). */
  public static Map<String, Object> describe(Record config) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent c : config.getClass().getRecordComponents()) {
      Object v = get(config, c);
      out.put(c.getName(), v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : v);
    }
    return out;
  }

  /** The record's fields as strings, for storing in model files and re-binding later (nested settings as their dotted keys). */
  public static Map<String, String> toStrings(Record config) {
    Map<String, String> out = new LinkedHashMap<>();
    describe(config).forEach((k, v) -> {
      if (v instanceof Map<?, ?> m) {
        m.forEach((mk, mv) -> out.put(String.valueOf(mk), String.valueOf(mv)));
      } else {
        out.put(k, String.valueOf(v));
      }
    });
    return out;
  }

  /** The record's one Map component (nested dotted settings), or null; two are refused. */
  private static RecordComponent nestedComponent(RecordComponent[] comps) {
    RecordComponent found = null;
    for (RecordComponent c : comps) {
      if (Map.class.isAssignableFrom(c.getType())) {
        if (found != null) {
          throw new IllegalStateException("a config record may have one Map component for dotted settings; has " + found.getName() + " and "
              + c.getName());
        }
        found = c;
      }
    }
    return found;
  }

  private static Object get(Record r, RecordComponent c) {
    try {
      c.getAccessor().setAccessible(true);
      return c.getAccessor().invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object parse(String key, Class<?> type, String raw) {
    String s = raw.trim();
    try {
      if (type == int.class || type == Integer.class) {
        return Integer.parseInt(s);
      }
      if (type == long.class || type == Long.class) {
        return Long.parseLong(s);
      }
      if (type == double.class || type == Double.class) {
        return Double.parseDouble(s);
      }
      if (type == float.class || type == Float.class) {
        return Float.parseFloat(s);
      }
      if (type == boolean.class || type == Boolean.class) {
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
          return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("parameter '" + key + "' must be true or false; got '" + raw + "'");
      }
      if (type == String.class) {
        return s;
      }
      if (type.isEnum()) {
        String norm = s.toUpperCase(Locale.ROOT).replace('-', '_');
        for (Object constant : type.getEnumConstants()) {
          if (((Enum<?>) constant).name().equals(norm)) {
            return constant;
          }
        }
        StringBuilder valid = new StringBuilder();
        for (Object constant : type.getEnumConstants()) {
          valid.append(valid.length() == 0 ? "" : ", ").append(((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new IllegalArgumentException("parameter '" + key + "' must be one of " + valid + "; got '" + raw + "'");
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("parameter '" + key + "' must be a " + type.getSimpleName() + "; got '" + raw + "'");
    }
    throw new IllegalStateException("unsupported parameter type " + type + " for '" + key + "'");
  }
}
