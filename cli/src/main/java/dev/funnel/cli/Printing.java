package dev.funnel.cli;

import dev.funnel.recall.ModelRecommender;
import java.util.List;

/** Terminal output shared by commands. */
final class Printing {
  private Printing() {}

  static void printItems(List<ModelRecommender.Scored> items) {
    System.out.printf("%4s  %-24s %s%n", "rank", "item", "score");
    for (int r = 0; r < items.size(); r++) {
      System.out.printf("%4d  %-24s %.6g%n", r + 1, items.get(r).item(), items.get(r).score());
    }
  }
}
