package dev.funnel.store.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One catalog item ({@code PUT /v1/items/{id}}).
 *
 * <p>Validated on construction, each error naming the field and the value: {@code id} non-empty and at
 * most {@link Catalog#MAX_ID_LENGTH} characters; categories and tags non-empty strings of at most that
 * length (duplicates dropped, first occurrence kept, order kept); attribute names likewise, attribute
 * values a finite number or a string (integral numbers become {@link Long}, fractional ones
 * {@link Double}; the map is sorted by name).
 *
 * @param id external item id
 * @param categories the item's categories (never null)
 * @param tags free tags (never null)
 * @param attributes name -> {@link Long}, {@link Double} or {@link String} (never null, sorted by name)
 * @param available false hides the item from every response (default true)
 * @param publishedAt epoch ms before which the item is not recommendable; null when not set
 * @param expiresAt epoch ms from which the item is not recommendable; null when it never expires
 */
public record ItemRecord(String id, List<String> categories, List<String> tags, Map<String, Object> attributes,
    boolean available, Long publishedAt, Long expiresAt) {

  /** JSON field names, as {@link #fromMap} reads and {@link #toMap} writes them. */
  public static final Set<String> FIELDS =
      Set.of("id", "categories", "tags", "attributes", "available", "published_at", "expires_at");

  public ItemRecord {
    Fields.id("item", id);
    categories = Fields.names("categories", categories);
    tags = Fields.names("tags", tags);
    attributes = Fields.attributes(attributes);
  }

  /** An item with no categories, tags or attributes, available, never expiring. */
  public static ItemRecord of(String id) {
    return new ItemRecord(id, List.of(), List.of(), Map.of(), true, null, null);
  }

  /**
   * Whether the item may be recommended at {@code nowMillis}: available, published (or no publish
   * time), and not expired.
   */
  public boolean recommendableAt(long nowMillis) {
    return available && (publishedAt == null || publishedAt <= nowMillis) && (expiresAt == null || nowMillis < expiresAt);
  }

  /**
   * Reads the JSON object of {@code PUT /v1/items/{id}} (as Jackson maps it: lists, maps, numbers,
   * strings, booleans). Absent fields take their defaults; an {@code "id"} field, if present, must
   * equal {@code id}; an unknown field is an error listing the valid ones.
   */
  public static ItemRecord fromMap(String id, Map<String, ?> json) {
    Fields.id("item", id);
    for (String k : json.keySet()) {
      if (!FIELDS.contains(k)) {
        throw new IllegalArgumentException("unknown item field " + Fields.quote(k) + "; valid fields: "
            + List.of("categories", "tags", "attributes", "available", "published_at", "expires_at"));
      }
    }
    if (json.containsKey("id") && !id.equals(json.get("id"))) {
      throw new IllegalArgumentException("id in the body must match the item id " + Fields.quote(id) + "; id="
          + Fields.describe(json.get("id")));
    }
    List<String> categories = Fields.stringList("categories", json.get("categories"));
    List<String> tags = Fields.stringList("tags", json.get("tags"));
    Map<String, Object> attributes = Fields.objectMap("attributes", json.get("attributes"));
    Object available = json.get("available");
    if (available != null && !(available instanceof Boolean)) {
      throw new IllegalArgumentException("available must be true or false; available=" + Fields.describe(available));
    }
    return new ItemRecord(id, categories, tags, attributes, available == null || (Boolean) available,
        Fields.epochMillis("published_at", json.get("published_at")),
        Fields.epochMillis("expires_at", json.get("expires_at")));
  }

  /** The JSON object for {@code GET /v1/items/{id}} (snake_case names; optional times omitted when null). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("categories", categories);
    m.put("tags", tags);
    m.put("attributes", attributes);
    m.put("available", available);
    if (publishedAt != null) {
      m.put("published_at", publishedAt);
    }
    if (expiresAt != null) {
      m.put("expires_at", expiresAt);
    }
    return m;
  }
}
