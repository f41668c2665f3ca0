package dev.funnel.pipeline.channel;

import dev.funnel.ann.Similarity;
import dev.funnel.ann.VectorIndex;
import dev.funnel.ann.VectorIndexes;
import dev.funnel.data.Interactions;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.pipeline.Channel;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.recall.EmbeddingModel;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ModelRecommender.Scored;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.SavedModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * User-to-item recall through a model: the model's own top-k for the user ({@link RecallModel#recommend},
 * a full sort), or, with {@code index}, the user vector of an {@link EmbeddingModel} searched in an ANN
 * index over its item vectors with the request's filters pushed into the search. A bias is folded in
 * exactly: items become {@code [v_i, b_i]} and queries {@code [u, 1]}, so {@code <q, x> = <u, v_i> + b_i}
 * (inner-product search). The user's training row is never returned. A user the model does not know
 * (new, or erased from it) gets an empty list: other channels serve them.
 *
 * <p>The index is built when the scene loads and rebuilt on first use after a model swap.
 */
public final class UserModelChannel implements Channel {
  private final String name;
  private final OnlineRecommender model;
  private final String indexKind;
  private final Map<String, String> indexParams;
  private volatile Built built;

  private record Built(SavedModel saved, VectorIndex index, float[] users, int dim) {}

  public UserModelChannel(String name, OnlineRecommender model, String indexKind, Map<String, String> indexParams) {
    this.name = name;
    this.model = model;
    this.indexKind = indexKind;
    this.indexParams = Map.copyOf(indexParams);
    if (indexKind != null) {
      built = build(model.saved());
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
    if (request.user() == null) {
      return List.of();
    }
    SavedModel saved = model.saved();
    RecallModel rm = saved.model();
    int u = saved.users().get(request.user());
    if (u < 0 || u >= rm.numUsers() || !rm.knowsUser(u) || model.unlearned().contains(request.user())) {
      return List.of();
    }
    Interactions train = saved.train();
    int from = u < train.numUsers() ? train.userPtr()[u] : 0;
    int to = u < train.numUsers() ? train.userPtr()[u + 1] : 0;
    int[] row = train.userItems();
    ItemFilter filter = Recalls.overModel(saved.items(), admissible);
    if (from < to) {
      ItemFilter notSeen = id -> Arrays.binarySearch(row, from, to, id) < 0;
      filter = notSeen.and(filter);
    }
    if (indexKind == null) {
      return Recalls.external(rm.recommend(u, limit, filter), saved.items());
    }
    Built b = built;
    if (b == null || b.saved != saved) {
      synchronized (this) {
        b = built;
        if (b == null || b.saved != saved) {
          b = build(saved);
          built = b;
        }
      }
    }
    float[] q = new float[b.dim];
    int d = ((EmbeddingModel) rm).dim();
    System.arraycopy(b.users, u * d, q, 0, d);
    if (b.dim > d) {
      q[d] = 1f;
    }
    return Recalls.external(b.index.search(q, limit, filter), saved.items());
  }

  private Built build(SavedModel saved) {
    if (!(saved.model() instanceof EmbeddingModel e)) {
      throw new IllegalArgumentException("model '" + model.name() + "' (" + saved.model().algorithm() + ") has no embeddings for an ANN index");
    }
    int d = e.dim();
    float[] items = e.itemVectors();
    float[] bias = e.itemBias();
    int n = e.numItems();
    int dim = bias == null ? d : d + 1;
    float[] table = items;
    if (bias != null) {
      table = new float[n * dim];
      for (int i = 0; i < n; i++) {
        System.arraycopy(items, i * d, table, i * dim, d);
        table[i * dim + d] = bias[i];
      }
    }
    VectorIndex index = VectorIndexes.build(indexKind, table, dim, Similarity.INNER_PRODUCT, indexParams,
        Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    return new Built(saved, index, e.userVectors(), dim);
  }

  /**
   * {@code type: user-to-item}; keys {@code model} (required), {@code index} (flat, hnsw, ivfpq, lsh;
   * absent: the model's own full sort), {@code index_params} (the index's build parameters, e.g.
   * {@code {m: 16, ef_construction: 200}}).
   */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "user-to-item";
    }

    @Override
    public StageKind kind() {
      return StageKind.CHANNEL;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      String modelName = config.requiredString("model");
      OnlineRecommender model = resources.requireModel(config, "model", modelName);
      String index = config.string("index", null);
      Map<String, String> params = config.scalars("index_params");
      if (index == null && params != null) {
        throw config.error("index_params", params, "index_params needs an 'index'");
      }
      if (index != null && !(model.saved().model() instanceof EmbeddingModel)) {
        throw config.error("model", modelName, "an ANN index needs an embedding model; '" + modelName + "' is " + model.saved().model().algorithm());
      }
      try {
        return new UserModelChannel(config.name(), model, index, params == null ? Map.of() : params);
      } catch (IllegalArgumentException e) {
        throw config.error(params != null && !e.getMessage().contains("index kind") ? "index_params" : "index",
            params != null && !e.getMessage().contains("index kind") ? params : index, e.getMessage());
      }
    }
  }
}
