package dev.funnel.recall;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.util.TopK;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * A saved model seen through external ids: what the CLI and the HTTP server call. It excludes the
 * user's seen items and any per-request exclusions, and falls back to popularity (training degree)
 * for users the model does not know, saying so in the result. Thread-safe.
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
  private final ScoredItems popular;

  public ModelRecommender(String name, SavedModel saved) {
    this.name = name;
    this.saved = saved;
    Interactions train = saved.train();
    float[] degree = new float[train.numItems()];
    for (int i = 0; i < degree.length; i++) {
      degree[i] = train.itemDegree(i);
    }
    // Enough popular items that seen and excluded ones can be skipped without running short.
    popular = TopK.select(degree, degree.length, ItemFilter.ALL);
  }

  public String name() {
    return name;
  }

  public SavedModel saved() {
    return saved;
  }

  /** Recommendations for an external user id; unknown ids get the popularity fallback. */
  public Result recommend(String userId, int k, Collection<String> exclude) {
    requirePositive(k);
    IdMap users = saved.users();
    int user = users.get(userId);
    BitSet excluded = new BitSet(saved.items().size());
    for (String e : exclude) {
      int i = saved.items().get(e);
      if (i >= 0) {
        excluded.set(i);
      }
    }
    Interactions train = saved.train();
    if (user >= 0) {
      for (int p = train.userPtr()[user]; p < train.userPtr()[user + 1]; p++) {
        excluded.set(train.userItems()[p]);
      }
    }
    ItemFilter filter = ItemFilter.excluding(excluded);
    if (user >= 0 && saved.model().knowsUser(user)) {
      return new Result(external(saved.model().recommend(user, k, filter)), Fallback.NONE);
    }
    return new Result(popular(k, filter), Fallback.POPULARITY);
  }

  /** Items similar to an external item id; empty if the item is unknown (callers decide: 404). */
  public Result similar(String itemId, int k, Collection<String> exclude) {
    requirePositive(k);
    int item = saved.items().get(itemId);
    if (item < 0) {
      return null;
    }
    BitSet excluded = new BitSet();
    for (String e : exclude) {
      int i = saved.items().get(e);
      if (i >= 0) {
        excluded.set(i);
      }
    }
    return new Result(external(saved.model().similarItems(item, k, ItemFilter.excluding(excluded))), Fallback.NONE);
  }

  public boolean knowsItem(String itemId) {
    return saved.items().get(itemId) >= 0;
  }

  private List<Scored> popular(int k, ItemFilter filter) {
    List<Scored> out = new ArrayList<>(k);
    for (int r = 0; r < popular.size() && out.size() < k; r++) {
      int i = popular.item(r);
      if (filter.accept(i)) {
        out.add(new Scored(saved.items().external(i), popular.score(r)));
      }
    }
    return out;
  }

  private List<Scored> external(ScoredItems s) {
    List<Scored> out = new ArrayList<>(s.size());
    for (int r = 0; r < s.size(); r++) {
      out.add(new Scored(saved.items().external(s.item(r)), s.score(r)));
    }
    return out;
  }

  private static void requirePositive(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1; k=" + k);
    }
  }
}
