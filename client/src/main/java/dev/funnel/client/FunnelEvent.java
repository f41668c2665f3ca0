package dev.funnel.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event for {@code POST /v1/events}; null fields are left out of the JSON.
 *
 * @param id idempotency key: a repeat within the server's window is accepted once (null: none)
 * @param user the user's external id
 * @param item the item's external id
 * @param type an event type the server is configured with (e.g. click, purchase, dislike)
 * @param ts epoch milliseconds; null lets the server stamp its receipt time
 * @param value the value of valued types (e.g. rating)
 * @param requestId the recommendation request this event answers, if any
 * @param context free-form attributes
 */
public record FunnelEvent(String id, String user, String item, String type, Long ts, Double value, String requestId,
    Map<String, Object> context) {
  public FunnelEvent {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(item, "item");
    Objects.requireNonNull(type, "type");
    context = context == null ? null : Map.copyOf(context);
  }

  /** An event without id, time, value or context. */
  public static FunnelEvent of(String user, String item, String type) {
    return new FunnelEvent(null, user, item, type, null, null, null, null);
  }

  /** The same event with this idempotency key. */
  public FunnelEvent withId(String newId) {
    return new FunnelEvent(newId, user, item, type, ts, value, requestId, context);
  }

  /** The same event at this time (epoch ms). */
  public FunnelEvent at(long epochMillis) {
    return new FunnelEvent(id, user, item, type, epochMillis, value, requestId, context);
  }

  /** The same event with this value. */
  public FunnelEvent withValue(double newValue) {
    return new FunnelEvent(id, user, item, type, ts, newValue, requestId, context);
  }

  /** The wire form: snake_case keys, nulls left out. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (id != null) {
      m.put("id", id);
    }
    m.put("user", user);
    m.put("item", item);
    m.put("type", type);
    if (ts != null) {
      m.put("ts", ts);
    }
    if (value != null) {
      m.put("value", value);
    }
    if (requestId != null) {
      m.put("request_id", requestId);
    }
    if (context != null) {
      m.put("context", context);
    }
    return m;
  }
}
