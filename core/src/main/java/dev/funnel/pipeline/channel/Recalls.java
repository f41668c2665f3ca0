package dev.funnel.pipeline.channel;

import dev.funnel.data.IdMap;
import dev.funnel.online.ItemIds;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ModelRecommender.Scored;
import dev.funnel.recall.ScoredItems;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Translations the channels share: an external-id predicate as an ItemFilter over dense ids, and results back to external ids. */
final class Recalls {
  private Recalls() {}

  /** The predicate over a model's dense ids (called only for items that would enter a top-k heap). */
  static ItemFilter overModel(IdMap items, Predicate<String> admissible) {
    return id -> admissible.test(items.external(id));
  }

  /** The predicate over the online registry's dense ids. */
  static ItemFilter overOnline(ItemIds items, Predicate<String> admissible) {
    return id -> admissible.test(items.external(id));
  }

  static List<Scored> external(ScoredItems s, IdMap items) {
    List<Scored> out = new ArrayList<>(s.size());
    for (int r = 0; r < s.size(); r++) {
      out.add(new Scored(items.external(s.item(r)), s.score(r)));
    }
    return out;
  }

  static List<Scored> external(ScoredItems s, ItemIds items) {
    List<Scored> out = new ArrayList<>(s.size());
    for (int r = 0; r < s.size(); r++) {
      out.add(new Scored(items.external(s.item(r)), s.score(r)));
    }
    return out;
  }

  /** {@code 0.5^(age / halfLife)}, age clamped at 0 (events from the future count fully). */
  static double decay(long ageMillis, double halfLifeMillis) {
    return Math.pow(0.5, Math.max(0L, ageMillis) / halfLifeMillis);
  }
}
