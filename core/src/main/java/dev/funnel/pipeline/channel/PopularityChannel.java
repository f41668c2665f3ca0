package dev.funnel.pipeline.channel;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.online.PopularityCounters;
import dev.funnel.pipeline.Channel;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.recall.ModelRecommender.Scored;
import java.util.List;
import java.util.function.Predicate;

/**
 * Popularity recall from the live counters ({@link PopularityCounters}): {@code global} (weighted event
 * counts) or {@code trending} (time-decayed counts). The same list for everyone, so it serves unknown
 * users and empty histories; filters still apply per request.
 */
public final class PopularityChannel implements Channel {
  private final String name;
  private final OnlineRecommender state;
  private final boolean trending;

  public PopularityChannel(String name, OnlineRecommender state, boolean trending) {
    this.name = name;
    this.state = state;
    this.trending = trending;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
    PopularityCounters p = state.popularity();
    var filter = Recalls.overOnline(state.items(), admissible);
    return Recalls.external(trending ? p.topTrending(limit, filter) : p.topGlobal(limit, filter), state.items());
  }

  /** {@code type: popularity}; keys {@code list} (global or trending, default global), {@code model} (whose counters; default the first). */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "popularity";
    }

    @Override
    public StageKind kind() {
      return StageKind.CHANNEL;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      boolean trending = config.choice("list", "global", List.of("global", "trending")).equals("trending");
      String model = config.string("model", null);
      OnlineRecommender state = model == null ? resources.activity() : resources.requireModel(config, "model", model);
      return new PopularityChannel(config.name(), state, trending);
    }
  }
}
