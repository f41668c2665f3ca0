package dev.funnel.recall.neighbors;

/** Which items a sparse accumulation touched, for the fallback to skip them. */
@FunctionalInterface
public interface ItemMarks {
  ItemMarks NONE = item -> false;

  boolean marked(int item);
}
