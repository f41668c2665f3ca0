package dev.funnel.store.catalog;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A partial update of an item ({@code PATCH /v1/items/{id}}): only the fields set here change.
 *
 * <p>Setting a field to null clears it: categories and tags become empty, {@code published_at} and
 * {@code expires_at} become unset, {@code available} returns to its default (true), and
 * {@code attributes(null)} drops every attribute. Attributes merge per name (JSON merge patch, RFC
 * 7396): {@code attributes(Map.of("price", 9.5))} changes only the price, and a null value removes
 * that one attribute. Immutable; each setter returns a new patch.
 */
public final class ItemPatch {
  private static final ItemPatch EMPTY = new ItemPatch(null, false, null, false, AttributeChanges.NONE, null, false,
      null, false, null, false);

  private final List<String> categories;
  private final boolean setsCategories;
  private final List<String> tags;
  private final boolean setsTags;
  private final AttributeChanges attributes;
  private final Boolean available;
  private final boolean setsAvailable;
  private final Long publishedAt;
  private final boolean setsPublishedAt;
  private final Long expiresAt;
  private final boolean setsExpiresAt;

  private ItemPatch(List<String> categories, boolean setsCategories, List<String> tags, boolean setsTags,
      AttributeChanges attributes, Boolean available, boolean setsAvailable, Long publishedAt, boolean setsPublishedAt,
      Long expiresAt, boolean setsExpiresAt) {
    this.categories = categories;
    this.setsCategories = setsCategories;
    this.tags = tags;
    this.setsTags = setsTags;
    this.attributes = attributes;
    this.available = available;
    this.setsAvailable = setsAvailable;
    this.publishedAt = publishedAt;
    this.setsPublishedAt = setsPublishedAt;
    this.expiresAt = expiresAt;
    this.setsExpiresAt = setsExpiresAt;
  }

  /** A patch that changes nothing. */
  public static ItemPatch empty() {
    return EMPTY;
  }

  /** Replaces the categories (null clears them). */
  public ItemPatch categories(List<String> value) {
    return new ItemPatch(Fields.names("categories", value), true, tags, setsTags, attributes, available,
        setsAvailable, publishedAt, setsPublishedAt, expiresAt, setsExpiresAt);
  }

  /** Replaces the tags (null clears them). */
  public ItemPatch tags(List<String> value) {
    return new ItemPatch(categories, setsCategories, Fields.names("tags", value), true, attributes, available,
        setsAvailable, publishedAt, setsPublishedAt, expiresAt, setsExpiresAt);
  }

  /** Merges attributes by name (a null value removes that attribute; a null map removes all). */
  public ItemPatch attributes(Map<String, ?> changes) {
    return new ItemPatch(categories, setsCategories, tags, setsTags, attributes.then(AttributeChanges.of(changes)),
        available, setsAvailable, publishedAt, setsPublishedAt, expiresAt, setsExpiresAt);
  }

  /** Sets availability (null restores the default, true). */
  public ItemPatch available(Boolean value) {
    return new ItemPatch(categories, setsCategories, tags, setsTags, attributes, value, true, publishedAt,
        setsPublishedAt, expiresAt, setsExpiresAt);
  }

  /** Sets the publish time in epoch ms (null unsets it). */
  public ItemPatch publishedAt(Long value) {
    return new ItemPatch(categories, setsCategories, tags, setsTags, attributes, available, setsAvailable, value,
        true, expiresAt, setsExpiresAt);
  }

  /** Sets the expiry time in epoch ms (null unsets it). */
  public ItemPatch expiresAt(Long value) {
    return new ItemPatch(categories, setsCategories, tags, setsTags, attributes, available, setsAvailable,
        publishedAt, setsPublishedAt, value, true);
  }

  /**
   * Reads the JSON object of {@code PATCH /v1/items/{id}}: an absent key leaves the field alone, a key
   * with null clears it (see the class comment). Unknown keys are errors listing the valid ones; an
   * {@code "id"} key is refused (ids do not change).
   */
  public static ItemPatch fromMap(Map<String, ?> json) {
    ItemPatch p = EMPTY;
    for (Map.Entry<String, ?> e : json.entrySet()) {
      Object v = e.getValue();
      p = switch (e.getKey()) {
        case "categories" -> p.categories(Fields.stringList("categories", v));
        case "tags" -> p.tags(Fields.stringList("tags", v));
        case "attributes" -> p.attributes(Fields.objectMap("attributes", v));
        case "available" -> {
          if (v != null && !(v instanceof Boolean)) {
            throw new IllegalArgumentException("available must be true, false or null; available=" + Fields.describe(v));
          }
          yield p.available((Boolean) v);
        }
        case "published_at" -> p.publishedAt(Fields.epochMillis("published_at", v));
        case "expires_at" -> p.expiresAt(Fields.epochMillis("expires_at", v));
        default -> throw new IllegalArgumentException("unknown or unchangeable item field " + Fields.quote(e.getKey())
            + " in patch; valid fields: " + List.of("categories", "tags", "attributes", "available", "published_at",
            "expires_at"));
      };
    }
    return p;
  }

  /** The item with this patch applied; {@code current} is not changed. */
  public ItemRecord applyTo(ItemRecord current) {
    return new ItemRecord(current.id(),
        setsCategories ? categories : current.categories(),
        setsTags ? tags : current.tags(),
        attributes.applyTo(current.attributes()),
        setsAvailable ? (available == null || available) : current.available(),
        setsPublishedAt ? publishedAt : current.publishedAt(),
        setsExpiresAt ? expiresAt : current.expiresAt());
  }

  /** Whether applying this patch changes nothing whatever the item. */
  public boolean isEmpty() {
    return !setsCategories && !setsTags && attributes.isEmpty() && !setsAvailable && !setsPublishedAt && !setsExpiresAt;
  }

  /** The JSON names of the fields this patch sets. */
  public Set<String> fieldsSet() {
    LinkedHashSet<String> s = new LinkedHashSet<>();
    if (setsCategories) {
      s.add("categories");
    }
    if (setsTags) {
      s.add("tags");
    }
    if (!attributes.isEmpty()) {
      s.add("attributes");
    }
    if (setsAvailable) {
      s.add("available");
    }
    if (setsPublishedAt) {
      s.add("published_at");
    }
    if (setsExpiresAt) {
      s.add("expires_at");
    }
    return s;
  }

  @Override
  public String toString() {
    return "ItemPatch" + fieldsSet();
  }
}
