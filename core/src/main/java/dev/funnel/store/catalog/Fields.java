package dev.funnel.store.catalog;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Validation shared by the catalog records and patches; every message names the field and value. */
final class Fields {
  private Fields() {}

  static String id(String kind, String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(kind + " id must be non-empty; id=" + quote(id));
    }
    if (id.length() > Catalog.MAX_ID_LENGTH) {
      throw new IllegalArgumentException(kind + " id must be at most " + Catalog.MAX_ID_LENGTH
          + " characters; id=" + quote(id) + " (" + id.length() + " characters)");
    }
    return id;
  }

  /** Non-empty names of at most MAX_ID_LENGTH characters, duplicates dropped (first kept), order kept. */
  static List<String> names(String field, Collection<String> values) {
    if (values == null) {
      return List.of();
    }
    if (values.size() > Catalog.MAX_LIST_SIZE) {
      throw new IllegalArgumentException(field + " must have at most " + Catalog.MAX_LIST_SIZE + " entries; "
          + field + " has " + values.size());
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    int i = 0;
    for (Object v : values) {
      if (!(v instanceof String s)) {
        throw new IllegalArgumentException(field + "[" + i + "] must be a string; " + field + "[" + i + "]="
            + describe(v));
      }
      if (s.isEmpty() || s.length() > Catalog.MAX_ID_LENGTH) {
        throw new IllegalArgumentException(field + "[" + i + "] must have 1 to " + Catalog.MAX_ID_LENGTH
            + " characters; " + field + "[" + i + "]=" + quote(s));
      }
      out.add(s);
      i++;
    }
    return Collections.unmodifiableList(new ArrayList<>(out));
  }

  /** A sorted, unmodifiable copy with values normalised to Long, Double or String. */
  static Map<String, Object> attributes(Map<String, ?> values) {
    if (values == null || values.isEmpty()) {
      return Map.of();
    }
    checkAttributeCount(values.size());
    TreeMap<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, ?> e : values.entrySet()) {
      String name = attributeName(e.getKey());
      out.put(name, attributeValue(name, e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  static void checkAttributeCount(int n) {
    if (n > Catalog.MAX_ATTRIBUTES) {
      throw new IllegalArgumentException("attributes must have at most " + Catalog.MAX_ATTRIBUTES
          + " entries; attributes has " + n);
    }
  }

  static String attributeName(Object key) {
    if (!(key instanceof String name) || name.isEmpty() || name.length() > Catalog.MAX_ID_LENGTH) {
      throw new IllegalArgumentException("attribute names must have 1 to " + Catalog.MAX_ID_LENGTH
          + " characters; name=" + describe(key));
    }
    return name;
  }

  /** Long for integral numbers, Double for fractional ones, String as is; anything else is refused. */
  static Object attributeValue(String name, Object v) {
    String field = "attributes." + name;
    if (v instanceof String s) {
      if (s.length() > Catalog.MAX_STRING_ATTRIBUTE_LENGTH) {
        throw new IllegalArgumentException(field + " must have at most " + Catalog.MAX_STRING_ATTRIBUTE_LENGTH
            + " characters; " + field + " has " + s.length());
      }
      return s;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger b) {
      if (b.bitLength() > 63) {
        throw new IllegalArgumentException(field + " is outside the 64-bit integer range; " + field + "=" + b);
      }
      return b.longValue();
    }
    double d;
    if (v instanceof Double x) {
      d = x;
    } else if (v instanceof Float f) {
      d = Double.parseDouble(f.toString()); // keep the decimal that was written, not the float's binary
    } else if (v instanceof BigDecimal b) {
      d = b.doubleValue();
    } else {
      throw new IllegalArgumentException(field + " must be a number or a string; " + field + "=" + describe(v));
    }
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(field + " must be a finite number; " + field + "=" + d);
    }
    return d;
  }

  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    return "\"" + (s.length() <= 64 ? s : s.substring(0, 64) + "...") + "\"";
  }

  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return quote(s);
    }
    String text = String.valueOf(v);
    return (text.length() <= 64 ? text : text.substring(0, 64) + "...") + " (" + v.getClass().getSimpleName() + ")";
  }

  static Long epochMillis(String field, Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger b && b.bitLength() <= 63) {
      return b.longValue();
    }
    throw new IllegalArgumentException(field + " must be an integer epoch milliseconds or null; " + field + "="
        + describe(v));
  }

  static List<String> stringList(String field, Object v) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof Collection<?> c)) {
      throw new IllegalArgumentException(field + " must be an array of strings; " + field + "=" + describe(v));
    }
    List<String> out = new ArrayList<>(c.size());
    int i = 0;
    for (Object o : c) {
      if (!(o instanceof String s)) {
        throw new IllegalArgumentException(field + "[" + i + "] must be a string; " + field + "[" + i + "]="
            + describe(o));
      }
      out.add(s);
      i++;
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> objectMap(String field, Object v) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(field + " must be an object; " + field + "=" + describe(v));
    }
    for (Object k : m.keySet()) {
      attributeName(k);
    }
    return (Map<String, Object>) m;
  }
}
