package dev.funnel.data;

import dev.funnel.data.split.SplitReport;

/**
 * A loaded dataset: id maps, the train and test matrices over the same dimensions, optional item
 * features and the report of the split that produced test.
 *
 * @param test never null; {@link Interactions#empty} when there is no test set
 * @param itemFeatures may be null
 * @param split may be null when no split was made
 */
public record Dataset(String name, IdMap users, IdMap items, IdMap eventTypes, Interactions train, Interactions test,
    ItemFeatures itemFeatures, SplitReport split) {
  public Dataset {
    if (users == null || items == null || eventTypes == null || train == null || test == null) {
      throw new IllegalArgumentException("users, items, eventTypes, train and test must not be null");
    }
    if (train.numUsers() != users.size() || train.numItems() != items.size()) {
      throw new IllegalArgumentException("train is " + train.numUsers() + "x" + train.numItems() + " but the id maps have "
          + users.size() + " users and " + items.size() + " items");
    }
    if (test.numUsers() != train.numUsers() || test.numItems() != train.numItems()) {
      throw new IllegalArgumentException("test is " + test.numUsers() + "x" + test.numItems() + ", train " + train.numUsers() + "x"
          + train.numItems() + "; they must share dimensions");
    }
    if (itemFeatures != null && itemFeatures.numItems() != items.size()) {
      throw new IllegalArgumentException("item features cover " + itemFeatures.numItems() + " items; the dataset has " + items.size());
    }
  }

  /** Builds both matrices after all reading, so they share the id maps' final dimensions. */
  public static Dataset of(String name, EventTable train, EventTable test, DuplicatePolicy duplicates, ItemFeatures itemFeatures,
      SplitReport split) {
    if (test != null && (test.users() != train.users() || test.items() != train.items())) {
      throw new IllegalArgumentException("train and test tables must share id maps");
    }
    Interactions tr = train.toInteractions(duplicates);
    Interactions te = test == null ? Interactions.empty(tr.numUsers(), tr.numItems()) : test.toInteractions(duplicates);
    return new Dataset(name, train.users(), train.items(), train.types(), tr, te, itemFeatures, split);
  }

  public int numUsers() {
    return users.size();
  }

  public int numItems() {
    return items.size();
  }
}
