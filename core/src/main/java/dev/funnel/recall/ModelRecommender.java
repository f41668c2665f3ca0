package dev.funnel.recall;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * A saved model seen through external ids: what the CLI and the HTTP server call, so the two can
 * never disagree. It never returns the user's training items nor per-request exclusions, and falls
 * back to popularity (training degree) for users unknown to the data or to the model, saying so in
 * the result. Immutable and thread-safe; a request allocates only its result.
 */
public final class ModelRecommender {
  /** Why a list is not the model's own answer. */
  public enum Fallback {
    NONE,
    /** The user is unknown to the data or to the model: most popular items instead. */
    POPULARITY
  }

  /** An item by external id with its score. */
  public record Scored(String item, float score) {}

  /** A response: items best first, and whether it came from the fallback. */
  public record Result(List<Scored> items, Fallback fallback) {}

  private final String name;
  private final SavedModel saved;
  /** Items with at least one training interaction, most popular first (ties: smaller id). */
  private final int[] popularOrder;

  public ModelRecommender(String name, SavedModel saved) {
    this.name = name;
    this.saved = saved;
    this.popularOrder = popularityOrder(saved.train());
  }

  public String name() {
    return name;
  }

  public SavedModel saved() {
    return saved;
  }

  /**
   * The top k items for an external user id, never an item the user trained on nor one of {@code
   * exclude} (unknown ids there are ignored). Users unknown to the id map or to the model get the
   * most popular items instead, marked {@link Fallback#POPULARITY}.
   */
  public Result recommend(String userId, int k, Collection<String> exclude) {
    requirePositive(k);
    ItemFilter notExcluded = notIn(exclude);
    int user = saved.users().get(userId);
    RecallModel model = saved.model();
    if (user >= 0 && user < model.numUsers() && model.knowsUser(user)) {
      ItemFilter filter = notSeen(saved.train(), user).and(notExcluded);
      return new Result(external(model.recommend(user, k, filter)), Fallback.NONE);
    }
    ItemFilter filter = user >= 0 ? notSeen(saved.train(), user).and(notExcluded) : notExcluded;
    return new Result(popular(k, filter), Fallback.POPULARITY);
  }

  /** The k items most similar to an external item id, or null if the item is unknown. */
  public Result similar(String itemId, int k, Collection<String> exclude) {
    requirePositive(k);
    int item = saved.items().get(itemId);
    if (item < 0 || item >= saved.model().numItems()) {
      return null;
    }
    return new Result(external(saved.model().similarItems(item, k, notIn(exclude))), Fallback.NONE);
  }

  /** Items with at least one training interaction, most popular first (ties: smaller id). */
  static int[] popularityOrder(Interactions train) {
    int[] order = train.itemsByDegree();
    int withUsers = 0;
    while (withUsers < order.length && train.itemDegree(order[withUsers]) > 0) {
      withUsers++;
    }
    return Arrays.copyOf(order, withUsers);
  }

  private List<Scored> popular(int k, ItemFilter filter) {
    Interactions train = saved.train();
    List<Scored> out = new ArrayList<>(Math.min(k, popularOrder.length));
    for (int r = 0; r < popularOrder.length && out.size() < k; r++) {
      int item = popularOrder[r];
      if (filter.accept(item)) {
        out.add(new Scored(saved.items().external(item), train.itemDegree(item)));
      }
    }
    return out;
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

  /** Rejects the given external ids; unknown ones are ignored. */
  private ItemFilter notIn(Collection<String> externals) {
    if (externals.isEmpty()) {
      return ItemFilter.ALL;
    }
    IdMap items = saved.items();
    int[] dense = new int[externals.size()];
    int m = 0;
    for (String e : externals) {
      int id = items.get(e);
      if (id >= 0) {
        dense[m++] = id;
      }
    }
    if (m == 0) {
      return ItemFilter.ALL;
    }
    int[] sorted = Arrays.copyOf(dense, m);
    Arrays.sort(sorted);
    return item -> Arrays.binarySearch(sorted, item) < 0;
  }

  private List<Scored> external(ScoredItems s) {
    IdMap items = saved.items();
    List<Scored> out = new ArrayList<>(s.size());
    for (int r = 0; r < s.size(); r++) {
      out.add(new Scored(items.external(s.item(r)), s.score(r)));
    }
    return out;
  }

  private static void requirePositive(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1; k=" + k);
    }
  }
}
