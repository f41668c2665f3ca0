package dev.funnel.pipeline;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.experiment.Experiment;
import dev.funnel.online.EventTypes;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.recall.ModelRecommender.Scored;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.store.catalog.ItemRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A tiny world: items i0..i7 in categories (i0-i3: books, i4-i5: music, i6-i7: film), users u0..u5
 * whose training rows co-click books with books and music with music, and stages over plain lists.
 */
public final class Fixtures {
  private Fixtures() {}

  public static final long NOW = 1_700_000_000_000L;

  /** u0..u5's training rows (item indices). */
  static final int[][] ROWS = {{0, 1, 2}, {0, 1, 3}, {1, 2, 3}, {4, 5}, {4, 5, 6}, {6, 7}};

  public static SavedModel saved(String algorithm, Map<String, String> params) {
    IdMap users = new IdMap();
    IdMap items = new IdMap();
    for (int i = 0; i < 8; i++) {
      items.getOrAdd("i" + i);
    }
    List<Integer> ptr = new ArrayList<>();
    List<Integer> cols = new ArrayList<>();
    ptr.add(0);
    for (int u = 0; u < ROWS.length; u++) {
      users.getOrAdd("u" + u);
      for (int i : ROWS[u]) {
        cols.add(i);
      }
      ptr.add(cols.size());
    }
    int[] p = ptr.stream().mapToInt(Integer::intValue).toArray();
    int[] c = cols.stream().mapToInt(Integer::intValue).toArray();
    long[] times = new long[c.length];
    for (int n = 0; n < times.length; n++) {
      times[n] = NOW - 86_400_000L * (times.length - n);
    }
    Interactions train = new Interactions(ROWS.length, 8, p, c, new float[c.length], times);
    TrainContext ctx = new TrainContext(1, 7, TrainContext.defaults().progress());
    return SavedModel.of(Experiment.fit(algorithm, params, train, ctx).model(), users, items, train);
  }

  public static OnlineRecommender online(String name, SavedModel saved, MapResources resources) {
    return new OnlineRecommender(name, saved, EventTypes.defaults(), OnlineRecommender.Config.defaults(),
        id -> resources.catalog.containsKey(id) ? resources.catalog.get(id).categories() : List.of(), () -> NOW);
  }

  /** Resources with an itemcf model and a catalogue of the eight items with categories and prices. */
  public static MapResources world() {
    MapResources r = new MapResources();
    String[] cats = {"books", "books", "books", "books", "music", "music", "film", "film"};
    for (int i = 0; i < 8; i++) {
      r.catalog.put("i" + i, new ItemRecord("i" + i, List.of(cats[i]), List.of(), Map.of("price", (long) (10 * (i + 1))), true, null, null));
    }
    r.models.put("itemcf", online("itemcf", saved("itemcf", Map.of()), r));
    return r;
  }

  /** A channel that returns fixed items (with scores n, n-1, ...), honouring the filters. */
  public static Channel fixed(String name, String... items) {
    return new Channel() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
        List<Scored> out = new ArrayList<>();
        for (int n = 0; n < items.length && out.size() < limit; n++) {
          if (admissible.test(items[n])) {
            out.add(new Scored(items[n], items.length - n));
          }
        }
        return out;
      }
    };
  }

  /** Candidates with the given items and scores, in that order, each proposed by channel "c". */
  public static List<Candidate> ranked(String[] items, float[] scores) {
    List<Candidate> out = new ArrayList<>();
    for (int n = 0; n < items.length; n++) {
      Candidate c = new Candidate(items[n]);
      c.proposedBy("c", n, scores[n]);
      c.score(scores[n]);
      out.add(c);
    }
    return out;
  }

  public static List<String> ids(List<Candidate> cs) {
    return cs.stream().map(Candidate::item).toList();
  }
}
