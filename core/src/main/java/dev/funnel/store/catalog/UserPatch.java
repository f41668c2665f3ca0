package dev.funnel.store.catalog;

import java.util.List;
import java.util.Map;

/**
 * A partial update of a user profile: attributes merge by name (JSON merge patch, RFC 7396), a null
 * value removes that attribute, {@code attributes(null)} removes all. Immutable.
 */
public final class UserPatch {
  private static final UserPatch EMPTY = new UserPatch(AttributeChanges.NONE);

  private final AttributeChanges attributes;

  private UserPatch(AttributeChanges attributes) {
    this.attributes = attributes;
  }

  /** A patch that changes nothing. */
  public static UserPatch empty() {
    return EMPTY;
  }

  /** Merges attributes by name (a null value removes that attribute; a null map removes all). */
  public UserPatch attributes(Map<String, ?> changes) {
    return new UserPatch(attributes.then(AttributeChanges.of(changes)));
  }

  /** Reads {@code {"attributes": {...}}}; other keys are errors. */
  public static UserPatch fromMap(Map<String, ?> json) {
    UserPatch p = EMPTY;
    for (Map.Entry<String, ?> e : json.entrySet()) {
      if (!e.getKey().equals("attributes")) {
        throw new IllegalArgumentException("unknown or unchangeable user field " + Fields.quote(e.getKey())
            + " in patch; valid fields: " + List.of("attributes"));
      }
      p = p.attributes(Fields.objectMap("attributes", e.getValue()));
    }
    return p;
  }

  /** The user with this patch applied; {@code current} is not changed. */
  public UserRecord applyTo(UserRecord current) {
    return new UserRecord(current.id(), attributes.applyTo(current.attributes()));
  }

  public boolean isEmpty() {
    return attributes.isEmpty();
  }

  @Override
  public String toString() {
    return attributes.isEmpty() ? "UserPatch[]" : "UserPatch[attributes]";
  }
}
