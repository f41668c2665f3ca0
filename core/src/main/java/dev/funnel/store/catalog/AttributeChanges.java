package dev.funnel.store.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The attribute part of a patch, with JSON merge-patch meaning (RFC 7396): {@code clear} drops every
 * attribute first (the patch said {@code "attributes": null}); then each entry sets its attribute, or
 * removes it when the value is null.
 */
record AttributeChanges(boolean clear, Map<String, Object> changes) {
  static final AttributeChanges NONE = new AttributeChanges(false, Map.of());

  static AttributeChanges of(Map<String, ?> values) {
    if (values == null) {
      return new AttributeChanges(true, Map.of());
    }
    Fields.checkAttributeCount(values.size());
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : values.entrySet()) {
      String name = Fields.attributeName(e.getKey());
      out.put(name, e.getValue() == null ? null : Fields.attributeValue(name, e.getValue()));
    }
    return new AttributeChanges(false, Collections.unmodifiableMap(out));
  }

  /** Later changes win; a later clear drops earlier ones. */
  AttributeChanges then(AttributeChanges later) {
    if (later.clear) {
      return later;
    }
    Map<String, Object> merged = new LinkedHashMap<>(changes);
    merged.putAll(later.changes);
    return new AttributeChanges(clear, Collections.unmodifiableMap(merged));
  }

  boolean isEmpty() {
    return !clear && changes.isEmpty();
  }

  Map<String, Object> applyTo(Map<String, Object> current) {
    if (isEmpty()) {
      return current;
    }
    TreeMap<String, Object> out = clear ? new TreeMap<>() : new TreeMap<>(current);
    for (Map.Entry<String, Object> e : changes.entrySet()) {
      if (e.getValue() == null) {
        out.remove(e.getKey());
      } else {
        out.put(e.getKey(), e.getValue());
      }
    }
    Fields.checkAttributeCount(out.size());
    return out;
  }
}
