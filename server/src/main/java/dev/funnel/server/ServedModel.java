package dev.funnel.server;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.ScoredItems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One loaded model with what requests need beside it: external-id translation, each user's seen
 * items, and a popularity order (items by training degree) for users the model cannot serve.
 * Immutable and thread-safe.
 */
final class ServedModel {
  private final String name;
  private final SavedModel saved;
  /** Items with at least one training interaction, most popular first (ties: smaller id). */
  private final int[] popularOrder;

  ServedModel(String name, SavedModel saved) {
    this.name = name;
    this.saved = saved;
    this.popularOrder = popularityOrder(saved.train());
  }

  String name() {
    return name;
  }

  SavedModel saved() {
    return saved;
  }

  /** Sorting (degree desc, id asc) as one long key each: no boxing, O(n log n) once at load. */
  static int[] popularityOrder(Interactions train) {
    int n = train.numItems();
    long[] keys = new long[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      int degree = train.itemDegree(i);
      if (degree > 0) {
        keys[m++] = ((long) (Integer.MAX_VALUE - degree) << 32) | i;
      }
    }
    Arrays.sort(keys, 0, m);
    int[] order = new int[m];
    for (int r = 0; r < m; r++) {
      order[r] = (int) keys[r];
    }
    return order;
  }

  /**
   * The top k items for an external user id, never an item the user trained on nor one of
   * {@code exclude} (unknown ids there are ignored). Users unknown to the id map or to the model get
   * the most popular items instead, marked with fallback "popularity".
   */
  Responses.Recommend recommend(String user, int k, List<String> exclude) {
    IdMap items = saved.items();
    int[] excluded = denseSorted(items, exclude);
    ItemFilter notExcluded = excluded.length == 0 ? ItemFilter.ALL : item -> Arrays.binarySearch(excluded, item) < 0;
    int u = saved.users().get(user);
    ItemFilter filter = u < 0 ? notExcluded : notSeen(saved.train(), u).and(notExcluded);
    RecallModel model = saved.model();
    if (u >= 0 && u < model.numUsers() && model.knowsUser(u)) {
      return new Responses.Recommend(user, name, toJson(model.recommend(u, k, filter)), null);
    }
    return new Responses.Recommend(user, name, toJson(popular(k, filter)), Responses.FALLBACK_POPULARITY);
  }

  /** The k items most similar to an external item id, or null if the item is unknown. */
  Responses.Similar similar(String item, int k) {
    int i = saved.items().get(item);
    if (i < 0 || i >= saved.model().numItems()) {
      return null;
    }
    return new Responses.Similar(item, name, toJson(saved.model().similarItems(i, k, ItemFilter.ALL)));
  }

  ScoredItems popular(int k, ItemFilter filter) {
    Interactions train = saved.train();
    int n = Math.min(k, popularOrder.length);
    int[] out = new int[n];
    float[] scores = new float[n];
    int m = 0;
    for (int r = 0; r < popularOrder.length && m < n; r++) {
      int item = popularOrder[r];
      if (filter.accept(item)) {
        out[m] = item;
        scores[m] = train.itemDegree(item);
        m++;
      }
    }
    return new ScoredItems(Arrays.copyOf(out, m), Arrays.copyOf(scores, m));
  }

  /** Rejects the user's training items by binary search in the user's CSR row (sorted ascending). */
  private static ItemFilter notSeen(Interactions train, int user) {
    int from = train.userPtr()[user];
    int to = train.userPtr()[user + 1];
    if (from == to) {
      return ItemFilter.ALL;
    }
    int[] row = train.userItems();
    return item -> Arrays.binarySearch(row, from, to, item) < 0;
  }

  private static int[] denseSorted(IdMap items, List<String> externals) {
    if (externals.isEmpty()) {
      return new int[0];
    }
    int[] dense = new int[externals.size()];
    int m = 0;
    for (String e : externals) {
      int id = items.get(e);
      if (id >= 0) {
        dense[m++] = id;
      }
    }
    int[] out = Arrays.copyOf(dense, m);
    Arrays.sort(out);
    return out;
  }

  private List<Responses.Item> toJson(ScoredItems result) {
    IdMap items = saved.items();
    List<Responses.Item> out = new ArrayList<>(result.size());
    for (int r = 0; r < result.size(); r++) {
      out.add(new Responses.Item(items.external(result.item(r)), result.score(r)));
    }
    return out;
  }
}
