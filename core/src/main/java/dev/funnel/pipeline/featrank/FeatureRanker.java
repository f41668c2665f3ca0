package dev.funnel.pipeline.featrank;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.online.UserHistory;
import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.Ranker;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.deepfm.DeepFmModel;
import dev.funnel.rank.downsample.NegativeDownsampling;
import dev.funnel.rank.pipeline.RankPipeline;
import dev.funnel.rank.pipeline.RankPipelineFile;
import dev.funnel.rank.schema.SampleTable;
import dev.funnel.store.catalog.UserRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rank stage over user, item and context features and the user's behaviour sequence: a saved
 * {@link RankPipeline} (feature encoder + any ranker of {@code Registry.rank}, e.g. DIN or DeepFM;
 * {@code funnel train --samples S --schema F}) scores every candidate. Per request the user side (the
 * user's profile, the request context, the newest items of the online state as the sequence) is built
 * once ({@link FeatureColumns#userCells}); each candidate adds its item cells (catalogue categories,
 * tags, attributes), and the rows are encoded and scored as one batch. Encoding codes each distinct
 * string of a column once per batch, so the user-side vocabulary lookups also happen once per request.
 * Unknown users, items and values fall into the encoder's out-of-vocabulary bucket.
 */
public final class FeatureRanker implements Ranker {
  private final RankPipeline pipeline;
  private final FeatureColumns columns;
  private final PipelineResources resources;
  private final OnlineRecommender history;
  private final String description;

  /**
   * @param history whose online state gives the behaviour sequence (null when the schema has none)
   */
  public FeatureRanker(RankPipeline pipeline, PipelineResources resources, OnlineRecommender history, String description) {
    if (pipeline.encoder() == null) {
      throw new IllegalArgumentException("the ranker has no feature schema (a bare model or libsvm-trained pipeline); train it with "
          + "'funnel train --samples FILE --schema SCHEMA'");
    }
    this.pipeline = pipeline;
    this.columns = new FeatureColumns(pipeline.encoder().schema());
    this.resources = resources;
    this.history = history;
    this.description = description;
    if (history == null && columns.historyLength() > 0) {
      throw new IllegalArgumentException("the ranker's schema has a behaviour sequence but no model's online state serves to read it from");
    }
  }

  public FeatureColumns columns() {
    return columns;
  }

  @Override
  public String description() {
    return description;
  }

  /** A rank model's calibrated click probability: usable as the pCTR of ads mode. */
  @Override
  public boolean probability() {
    return true;
  }

  @Override
  public void score(PipelineRequest request, List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      return;
    }
    String[] user = userCells(request);
    SampleTable.Builder rows = new SampleTable.Builder(columns.schema(), columns.header(), false, null);
    String[] row = new String[user.length];
    for (Candidate c : candidates) {
      System.arraycopy(user, 0, row, 0, user.length);
      columns.itemCells(row, c.item(), resources.item(c.item()));
      rows.add(row, "request", 0);
    }
    SampleBatch batch = pipeline.encoder().encode(rows.build());
    float[] p = new float[batch.size()];
    if (pipeline.model() instanceof DeepFmModel deep) {
      deep.score(batch, p, 1); // requests already run concurrently: a request's candidates score on its own thread
    } else {
      pipeline.model().score(batch, p);
    }
    NegativeDownsampling.calibrate(p, pipeline.negativeRate());
    for (int r = 0; r < p.length; r++) {
      candidates.get(r).score(p[r]);
    }
  }

  /** The user side of every row of a request: profile, context and behaviour sequence, once. */
  String[] userCells(PipelineRequest request) {
    String u = request.user();
    Map<String, Object> attributes = Map.of();
    List<String> items = List.of();
    if (u != null) {
      UserRecord profile = resources.user(u);
      attributes = profile == null ? Map.of() : profile.attributes();
      if (columns.historyLength() > 0) {
        items = newestItems(history, u, columns.historyLength());
      }
    }
    return columns.userCells(u, attributes, items, request.now());
  }

  /** The user's newest positive items in the online state (negative feedback left out), oldest first, at most {@code max}. */
  static List<String> newestItems(OnlineRecommender model, String user, int max) {
    UserHistory h = model.users().snapshot(user);
    List<String> out = new ArrayList<>();
    for (int r = 0; r < h.size() && out.size() < max; r++) { // newest first
      int online = h.items()[r];
      if (!h.negative(online)) {
        out.add(model.items().external(online));
      }
    }
    java.util.Collections.reverse(out);
    return out;
  }

  /**
   * {@code type: feature-ranker}; keys {@code file} (required: a ranking pipeline file with a feature
   * schema, path relative to the working directory) and {@code model} (whose online state gives the
   * behaviour sequence; default the first model by name). Start-up fails naming the key and value when
   * the file is missing or unreadable, has no schema, or needs a column the scene cannot supply.
   */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "feature-ranker";
    }

    @Override
    public StageKind kind() {
      return StageKind.RANKER;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      String file = config.requiredString("file");
      String modelName = config.string("model", null);
      OnlineRecommender model = modelName == null ? resources.activity() : resources.requireModel(config, "model", modelName);
      RankPipeline pipeline;
      try {
        pipeline = RankPipelineFile.read(java.nio.file.Path.of(file));
      } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
        throw config.error("file", file, "cannot load the feature ranker: " + e.getMessage());
      }
      try {
        return new FeatureRanker(pipeline, resources, model, "feature-ranker:" + pipeline.model().algorithm());
      } catch (IllegalArgumentException e) {
        throw config.error("file", file, e.getMessage());
      }
    }
  }
}
