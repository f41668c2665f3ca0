package dev.funnel.recall;

import java.util.BitSet;

/**
 * A per-request rule that says which items may be returned (seen items, an exclude list, business
 * rules). Evaluated during selection, so a filter never leaves a result short while valid items
 * remain (Mahout's Rescorer, implicit's filter_items).
 */
@FunctionalInterface
public interface ItemFilter {
  ItemFilter ALL = item -> true;

  boolean accept(int item);

  default ItemFilter and(ItemFilter other) {
    if (this == ALL) {
      return other;
    }
    if (other == ALL) {
      return this;
    }
    return item -> accept(item) && other.accept(item);
  }

  /** Rejects the items whose bits are set. */
  static ItemFilter excluding(BitSet excluded) {
    return item -> !excluded.get(item);
  }

  /** Rejects the given items (ascending or not). */
  static ItemFilter excluding(int... items) {
    if (items.length == 0) {
      return ALL;
    }
    BitSet b = new BitSet();
    for (int i : items) {
      if (i >= 0) {
        b.set(i);
      }
    }
    return excluding(b);
  }
}
