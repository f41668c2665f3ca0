package dev.funnel.client;

import java.util.ArrayList;
import java.util.List;

/**
 * A ranked list from {@code /v1/recommend} or {@code /v1/similar}.
 *
 * @param subject the user (recommend) or item (similar) asked about
 * @param model the model that answered
 * @param items best first
 * @param fallback {@code "popularity"} when the user got popular items instead of personal ones; else null
 */
public record Recommendations(String subject, String model, List<Scored> items, String fallback) {
  public Recommendations {
    items = List.copyOf(items);
  }

  /** An item and the model's score. */
  public record Scored(String item, float score) {}

  /** The item ids, best first. */
  public List<String> itemIds() {
    List<String> out = new ArrayList<>(items.size());
    for (Scored s : items) {
      out.add(s.item());
    }
    return out;
  }

  /** Whether the user got the popularity fallback rather than personal results. */
  public boolean isFallback() {
    return fallback != null;
  }
}
