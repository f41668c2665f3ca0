package dev.funnel.pipeline.filter;

import dev.funnel.data.Interactions;
import dev.funnel.online.ItemIds;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.online.UserHistory;
import dev.funnel.pipeline.Filter;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.recall.SavedModel;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Hides items by the user's own state, snapshotted once per request from the online state of a model's
 * {@link OnlineRecommender} (every recommender of a service sees the same events):
 * {@code seen} hides the items the user had positive events on (online, and with {@code training:
 * true}, the default, the model's training row too); {@code negative} hides items under the user's
 * negative feedback. Anonymous requests pass everything.
 */
public final class ItemStateFilter implements Filter {
  private final String name;
  private final OnlineRecommender state;
  private final boolean negative;
  private final boolean training;

  public ItemStateFilter(String name, OnlineRecommender state, boolean negative, boolean training) {
    this.name = name;
    this.state = state;
    this.negative = negative;
    this.training = training;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Predicate<String> prepare(PipelineRequest request) {
    if (request.user() == null) {
      return null;
    }
    UserHistory h = state.users().snapshot(request.user());
    ItemIds ids = state.items();
    Set<String> hidden = new HashSet<>();
    for (int id : negative ? h.negative() : h.seen()) {
      hidden.add(ids.external(id));
    }
    if (training && !negative) {
      SavedModel saved = state.saved();
      int u = saved.users().get(request.user());
      if (u >= 0 && u < saved.train().numUsers() && !state.unlearned().contains(request.user())) {
        Interactions train = saved.train();
        for (int p = train.userPtr()[u]; p < train.userPtr()[u + 1]; p++) {
          hidden.add(saved.items().external(train.userItems()[p]));
        }
      }
    }
    return hidden.isEmpty() ? null : item -> !hidden.contains(item);
  }

  private static Object build(StageConfig config, PipelineResources resources, boolean negative) {
    String model = config.string("model", null);
    OnlineRecommender state = model == null ? resources.activity() : resources.requireModel(config, "model", model);
    boolean training = negative ? false : config.bool("training", true);
    if (state == null) {
      throw config.error("model", null, "no model serves, so there is no online state to filter by");
    }
    return new ItemStateFilter(config.name(), state, negative, training);
  }

  /** {@code type: seen}; keys {@code model} (whose online state; default the first), {@code training} (also the training row; default true). */
  public static final class SeenFactory implements StageFactory {
    @Override
    public String type() {
      return "seen";
    }

    @Override
    public StageKind kind() {
      return StageKind.FILTER;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      return build(config, resources, false);
    }
  }

  /** {@code type: negative}; key {@code model} (whose online state; default the first). */
  public static final class NegativeFactory implements StageFactory {
    @Override
    public String type() {
      return "negative";
    }

    @Override
    public StageKind kind() {
      return StageKind.FILTER;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      return build(config, resources, true);
    }
  }
}
