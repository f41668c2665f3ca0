package dev.funnel.online;

import dev.funnel.store.Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured event types: name to training weight and polarity. Immutable and thread-safe.
 *
 * <p>The specification form is {@code name=weight|value|negative} separated by commas, e.g.
 * {@code "click=1,purchase=4,rating=value,dislike=negative"}.
 */
public final class EventTypes {
  private final Map<String, EventType> byName;

  public EventTypes(List<EventType> types) {
    if (types.isEmpty()) {
      throw new IllegalArgumentException("at least one event type is needed");
    }
    Map<String, EventType> m = new LinkedHashMap<>();
    for (EventType t : types) {
      if (m.putIfAbsent(t.name(), t) != null) {
        throw new IllegalArgumentException("event type defined twice; type=" + t.name());
      }
    }
    byName = Collections.unmodifiableMap(m);
  }

  /**
   * impression 0, view 0.5, click 1, like 2, cart 2, purchase 4, rating = value, interaction 1 (the
   * type of imported files without a type column); dislike, hide and skip are negative.
   */
  public static EventTypes defaults() {
    return new EventTypes(List.of(EventType.weighted("impression", 0f), EventType.weighted("view", 0.5f),
        EventType.weighted("click", 1f), EventType.weighted("like", 2f), EventType.weighted("cart", 2f),
        EventType.weighted("purchase", 4f), EventType.valued("rating"), EventType.weighted("interaction", 1f),
        EventType.negative("dislike"), EventType.negative("hide"), EventType.negative("skip")));
  }

  /** Parses {@code "click=1,purchase=4,rating=value,dislike=negative"}. */
  public static EventTypes parse(String spec) {
    List<EventType> types = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new IllegalArgumentException("event type must be name=weight|value|negative; got '" + p + "'");
      }
      String name = p.substring(0, eq).strip();
      String v = p.substring(eq + 1).strip();
      if (v.equals("value")) {
        types.add(EventType.valued(name));
      } else if (v.equals("negative")) {
        types.add(EventType.negative(name));
      } else {
        float w;
        try {
          w = Float.parseFloat(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("event type weight must be a number, 'value' or 'negative'; type=" + name + " weight=" + v);
        }
        types.add(EventType.weighted(name, w));
      }
    }
    return new EventTypes(types);
  }

  /**
   * The type called {@code name}.
   *
   * @throws IllegalArgumentException naming the type and listing the valid ones
   */
  public EventType get(String name) {
    EventType t = byName.get(name);
    if (t == null) {
      throw new IllegalArgumentException("unknown event type '" + name + "'; valid types: " + String.join(", ", byName.keySet()));
    }
    return t;
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** Type names in configuration order. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /**
   * The weight of an event: its type's weight, or its value for a value-weighted type (0 for
   * negative types).
   *
   * @throws IllegalArgumentException for an unknown type, or a value-weighted event without a finite,
   *     non-negative value
   */
  public float weight(Event e) {
    EventType t = get(e.type());
    if (t.negative()) {
      return 0f;
    }
    if (!t.valueWeighted()) {
      return t.weight();
    }
    float v = e.value();
    if (!(v >= 0f) || v == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("event type '" + t.name() + "' takes its weight from the value, which must be finite and >= 0; value="
          + (e.hasValue() ? Float.toString(v) : "absent"));
    }
    return v;
  }

  /** Checks an event against the configuration (the type exists; a value is there when needed). */
  public void validate(Event e) {
    weight(e);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (EventType t : byName.values()) {
      sb.append(sb.length() == 0 ? "" : ",").append(t.name()).append('=')
          .append(t.negative() ? "negative" : t.valueWeighted() ? "value" : Float.toString(t.weight()));
    }
    return sb.toString();
  }
}
