package dev.funnel.pipeline.stacking;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.Ranker;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.pipeline.offline.OfflineResources;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.SavedModel;
import java.util.List;

/**
 * The rank stage learnt from the funnel's own candidates (stacking, Wolpert 1992): a ranker of
 * {@code Registry.rank} scores each candidate from its channel memberships, per-channel scores and
 * ranks, item popularity and user activity ({@link StackingFeatures}); it was trained on a validation
 * split carved from the training data, with candidates produced by models trained on the rest
 * ({@link StackingTraining}), so it learns how much to trust each channel where, which is how a
 * funnel beats the best model inside it. The user-side features are computed once per request and the
 * candidates scored in one batch.
 */
public final class StackingRanker implements Ranker {
  private final StackingModel model;
  private final OnlineRecommender data;

  /** @param data whose saved training data gives popularity and user activity */
  public StackingRanker(StackingModel model, OnlineRecommender data) {
    this.model = model;
    this.data = data;
  }

  public StackingModel model() {
    return model;
  }

  @Override
  public String description() {
    return "stacking:" + model.model().algorithm();
  }

  @Override
  public void score(PipelineRequest request, List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      return;
    }
    SavedModel saved = data.saved();
    SampleBatch batch = model.features().encode(candidates, request.user(), saved.train(), saved.users(), saved.items(), null);
    float[] p;
    if (model.model() instanceof dev.funnel.rank.deepfm.DeepFmModel deep) {
      // The server runs requests concurrently: a request's few hundred candidates score on its own thread.
      p = new float[batch.size()];
      deep.score(batch, p, 1);
    } else {
      p = model.model().score(batch);
    }
    for (int r = 0; r < p.length; r++) {
      candidates.get(r).score(p[r]);
    }
  }

  /** A rank model's score is a click probability in (0, 1) ({@link dev.funnel.rank.RankModel}). */
  @Override
  public boolean probability() {
    return true;
  }

  /** Key under which {@link OfflineResources} holds the trained model of the rank stage named {@code name}. */
  public static String key(String name) {
    return "stacking:" + name;
  }

  /** A scene whose channels lack one the model was trained on would silently lose its features: refused. */
  @Override
  public void requireChannels(List<String> channels) {
    List<String> missing = new java.util.ArrayList<>(model.features().channels());
    missing.removeAll(channels);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("the stacking model was trained on channels " + model.features().channels()
          + " but the scene lacks " + missing + "; channels=" + channels);
    }
  }

  /**
   * {@code type: model-ranker}; keys {@code algorithm} (lr), {@code params}, {@code validation} (0.1),
   * {@code users} (5000), {@code negatives} (100), {@code model}, {@code file}, {@code layout} ({@code sparse}; {@code fields} for
   * field-embedding rankers such as {@code deepfm}: {@link StackingFeatures#StackingFeatures(List, boolean)}). Offline, {@code funnel
   * eval --scene} trains the model and registers it in its {@link OfflineResources} ({@code --save-ranker}
   * writes it); a live server loads {@code file} (a {@link StackingModelFile}, path relative to the
   * server's working directory) at start, and refuses the scene without one. A file that cannot be
   * read fails start-up naming it.
   */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "model-ranker";
    }

    @Override
    public StageKind kind() {
      return StageKind.RANKER;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      StackingSettings settings = StackingSettings.read(config);
      String file = config.string("file", null);
      config.choice("layout", "sparse", List.of("sparse", "fields")); // read by the training; a loaded file carries its own
      OnlineRecommender data = settings.model() == null ? resources.activity() : resources.requireModel(config, "model", settings.model());
      Object trained = resources instanceof OfflineResources o ? o.get(key(config.name())) : null;
      if (trained == null && file != null) {
        try {
          trained = StackingModelFile.read(java.nio.file.Path.of(file));
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
          throw config.error("file", file, "cannot load the stacking ranker: " + e.getMessage());
        }
      }
      if (!(trained instanceof StackingModel m)) {
        throw config.error("type", config.type(), "a model-ranker needs a stacking model trained on the scene's own candidates; "
            + "'funnel eval --scene FILE --save-ranker PATH' trains and saves one, 'file: PATH' loads it");
      }
      if (data == null) {
        throw config.error("model", settings.model(), "no model serves to count popularity and activity on");
      }
      return new StackingRanker(m, data);
    }
  }
}
