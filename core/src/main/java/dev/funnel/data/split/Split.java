package dev.funnel.data.split;

import dev.funnel.data.EventTable;

/** A train/test cut of one event table; both tables share its id maps. */
public record Split(EventTable train, EventTable test, SplitReport report) {
  public Split {
    if (train == null || test == null || report == null) {
      throw new IllegalArgumentException("train, test and report must not be null");
    }
  }
}
