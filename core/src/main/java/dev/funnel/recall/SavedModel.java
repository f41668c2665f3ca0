package dev.funnel.recall;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;

/**
 * A model with what serving needs beside it: the id maps that translate external ids, and the
 * training matrix (each user's seen items, item popularity for fallbacks, histories for
 * item-based models).
 */
public record SavedModel(RecallModel model, IdMap users, IdMap items, Interactions train, long dataFingerprint, String engineVersion) {
  public SavedModel {
    if (users.size() != train.numUsers() || items.size() != train.numItems()) {
      throw new IllegalArgumentException("id maps (" + users.size() + " users, " + items.size() + " items) do not match the matrix ("
          + train.numUsers() + " x " + train.numItems() + ")");
    }
  }

  public static SavedModel of(RecallModel model, IdMap users, IdMap items, Interactions train) {
    return new SavedModel(model, users, items, train, train.fingerprint(), dev.funnel.Version.ENGINE);
  }
}
