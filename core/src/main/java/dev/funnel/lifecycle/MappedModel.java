package dev.funnel.lifecycle;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.recall.HistoryScorer;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.ScoredItems;
import java.io.DataOutput;
import java.util.Arrays;

/**
 * A saved model seen through another dataset's ids, scoring the way the live service serves it, so
 * the serving version can be evaluated on a new snapshot's holdout beside a candidate:
 *
 * <ul>
 *   <li>an item-based model ({@link HistoryScorer}) gets the user's snapshot training row as
 *       triggers on top of its own row (the live service uses the user's logged events the same way);
 *   <li>another model scores users it knows;
 *   <li>anyone else gets the model's training popularity (the serving fallback).
 * </ul>
 *
 * Items the model does not know score negative infinity. Only {@link #scoreUser} is supported: it is
 * all the full-sort evaluator calls. Thread-safe (per-call scratch).
 */
final class MappedModel implements RecallModel {
  private final SavedModel saved;
  private final Interactions snapshotTrain;
  private final int numItems;
  private final int listLength;
  /** Snapshot user -> model user, or -1. */
  private final int[] userToModel;
  /** Model item -> snapshot item, or -1. */
  private final int[] itemFromModel;
  /** Snapshot item -> model item, or -1. */
  private final int[] itemToModel;

  /**
   * @param listLength how many items the history path ranks per user (the largest evaluated K)
   */
  MappedModel(SavedModel saved, IdMap users, IdMap items, Interactions snapshotTrain, int listLength) {
    this.saved = saved;
    this.snapshotTrain = snapshotTrain;
    this.numItems = items.size();
    this.listLength = listLength;
    userToModel = new int[users.size()];
    for (int u = 0; u < userToModel.length; u++) {
      int m = saved.users().get(users.external(u));
      userToModel[u] = m < saved.model().numUsers() ? m : -1;
    }
    IdMap modelItems = saved.items();
    int modelNumItems = saved.model().numItems();
    itemFromModel = new int[modelNumItems];
    itemToModel = new int[numItems];
    Arrays.fill(itemToModel, -1);
    for (int i = 0; i < modelNumItems; i++) {
      itemFromModel[i] = items.get(modelItems.external(i));
      if (itemFromModel[i] >= 0) {
        itemToModel[itemFromModel[i]] = i;
      }
    }
  }

  /** Whether the model was trained on this (snapshot user, snapshot item) cell: evaluating it there would be leakage. */
  boolean trainedOn(int user, int item) {
    int mu = userToModel[user];
    int mi = itemToModel[item];
    return mu >= 0 && mi >= 0 && mu < saved.train().numUsers() && saved.train().contains(mu, mi);
  }

  @Override
  public String algorithm() {
    return saved.model().algorithm();
  }

  @Override
  public Record config() {
    return saved.model().config();
  }

  @Override
  public int numUsers() {
    return userToModel.length;
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public boolean knowsUser(int user) {
    return true;
  }

  @Override
  public void scoreUser(int user, float[] out) {
    Arrays.fill(out, Float.NEGATIVE_INFINITY);
    RecallModel model = saved.model();
    int mu = userToModel[user];
    if (model instanceof HistoryScorer scorer) {
      int from = snapshotTrain.userPtr()[user];
      int to = snapshotTrain.userPtr()[user + 1];
      int[] triggers = new int[to - from];
      float[] weights = new float[to - from];
      int n = 0;
      for (int p = from; p < to; p++) {
        int mi = itemToModel[snapshotTrain.userItems()[p]];
        if (mi >= 0) {
          triggers[n] = mi;
          weights[n++] = snapshotTrain.userValues()[p];
        }
      }
      boolean knows = mu >= 0 && model.knowsUser(mu);
      if (knows || n > 0) {
        ItemFilter notTrained = mi -> {
          int si = itemFromModel[mi];
          return si >= 0 && !snapshotTrain.contains(user, si);
        };
        ScoredItems s = scorer.recommendFromHistory(knows ? mu : -1, Arrays.copyOf(triggers, n), Arrays.copyOf(weights, n), listLength,
            notTrained);
        for (int r = 0; r < s.size(); r++) {
          out[itemFromModel[s.item(r)]] = s.score(r);
        }
        return;
      }
    } else if (mu >= 0 && model.knowsUser(mu)) {
      float[] scores = new float[model.numItems()];
      model.scoreUser(mu, scores);
      for (int i = 0; i < scores.length; i++) {
        if (itemFromModel[i] >= 0) {
          out[itemFromModel[i]] = scores[i];
        }
      }
      return;
    }
    Interactions modelTrain = saved.train();
    for (int i = 0; i < itemFromModel.length; i++) {
      if (itemFromModel[i] >= 0 && modelTrain.itemDegree(i) > 0) {
        out[itemFromModel[i]] = modelTrain.itemDegree(i);
      }
    }
  }

  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    throw new UnsupportedOperationException("a mapped model is for evaluation only");
  }

  @Override
  public void writePayload(DataOutput out) {
    throw new UnsupportedOperationException("a mapped model is for evaluation only");
  }
}
