package dev.funnel.store;

import java.util.Map;

/**
 * One interaction event as the live service receives it ({@code POST /v1/events}) and the event
 * log stores it.
 *
 * @param id optional idempotency key (null when absent): a repeat within the window is accepted once
 * @param user external user id
 * @param item external item id
 * @param type event type (configuration maps it to a training weight; negative types hide items)
 * @param timestamp epoch milliseconds
 * @param value the event's value (a rating, a watch fraction), {@link Float#NaN} when absent
 * @param requestId optional id of the recommendation request that led to it (null when absent)
 * @param context optional free key-value context (never null; empty when absent)
 */
public record Event(String id, String user, String item, String type, long timestamp, float value, String requestId,
    Map<String, String> context) {
  public Event {
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("event user must be non-empty; user=" + user);
    }
    if (item == null || item.isEmpty()) {
      throw new IllegalArgumentException("event item must be non-empty; item=" + item);
    }
    if (type == null || type.isEmpty()) {
      throw new IllegalArgumentException("event type must be non-empty; type=" + type);
    }
    context = context == null ? Map.of() : Map.copyOf(context);
  }

  /** An event with no id, value, request id or context. */
  public static Event of(String user, String item, String type, long timestamp) {
    return new Event(null, user, item, type, timestamp, Float.NaN, null, Map.of());
  }

  public boolean hasValue() {
    return !Float.isNaN(value);
  }
}
