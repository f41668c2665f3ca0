package dev.funnel.online;

/**
 * One configured event type.
 *
 * @param name the type as events carry it ({@code "click"})
 * @param weight training and trigger weight of a positive event (impression 0, click 1, purchase 4);
 *     ignored when {@code valueWeighted}
 * @param valueWeighted whether an event's weight is its value (a rating)
 * @param negative whether it is negative feedback (dislike, hide, skip): hides the item from the
 *     user at once, never a trigger, never counted in popularity, a negative in training
 */
public record EventType(String name, float weight, boolean valueWeighted, boolean negative) {
  public EventType {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("event type name must be non-empty; name=" + name);
    }
    if (!(weight >= 0f) || weight == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("weight must be finite and >= 0; type=" + name + " weight=" + weight);
    }
    if (negative && valueWeighted) {
      throw new IllegalArgumentException("a negative type cannot take its weight from the value; type=" + name);
    }
  }

  /** A positive type with a fixed weight. */
  public static EventType weighted(String name, float weight) {
    return new EventType(name, weight, false, false);
  }

  /** A positive type whose weight is each event's value (a rating). */
  public static EventType valued(String name) {
    return new EventType(name, 0f, true, false);
  }

  /** Negative feedback. */
  public static EventType negative(String name) {
    return new EventType(name, 0f, false, true);
  }
}
