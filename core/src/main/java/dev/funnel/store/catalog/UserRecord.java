package dev.funnel.store.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One user profile ({@code PUT /v1/users/{id}}). Validated like {@link ItemRecord}: id non-empty and
 * at most {@link Catalog#MAX_ID_LENGTH} characters, attribute values finite numbers or strings.
 *
 * @param id external user id
 * @param attributes name -> {@link Long}, {@link Double} or {@link String} (never null, sorted by name)
 */
public record UserRecord(String id, Map<String, Object> attributes) {
  public UserRecord {
    Fields.id("user", id);
    attributes = Fields.attributes(attributes);
  }

  /** A user with no attributes. */
  public static UserRecord of(String id) {
    return new UserRecord(id, Map.of());
  }

  /**
   * Reads the JSON object of {@code PUT /v1/users/{id}}: {@code {"attributes": {...}}}; an
   * {@code "id"}, if present, must equal {@code id}; other fields are errors.
   */
  public static UserRecord fromMap(String id, Map<String, ?> json) {
    Fields.id("user", id);
    for (String k : json.keySet()) {
      if (!k.equals("id") && !k.equals("attributes")) {
        throw new IllegalArgumentException("unknown user field " + Fields.quote(k) + "; valid fields: "
            + List.of("attributes"));
      }
    }
    if (json.containsKey("id") && !id.equals(json.get("id"))) {
      throw new IllegalArgumentException("id in the body must match the user id " + Fields.quote(id) + "; id="
          + Fields.describe(json.get("id")));
    }
    return new UserRecord(id, Fields.objectMap("attributes", json.get("attributes")));
  }

  /** The JSON object for {@code GET /v1/users/{id}}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("attributes", attributes);
    return m;
  }
}
