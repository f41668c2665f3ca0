package dev.funnel.server;

import dev.funnel.pipeline.Channel;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.recall.ModelRecommender.Scored;
import java.util.List;
import java.util.function.Predicate;

/** A deliberately slow channel for tests ({@code type: test-sleep}, {@code sleep_ms}): sleeps, then proposes one item. */
public final class SleepChannel implements Channel {
  private final String name;
  private final long sleepMillis;

  SleepChannel(String name, long sleepMillis) {
    this.name = name;
    this.sleepMillis = sleepMillis;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
    try {
      Thread.sleep(sleepMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
    return List.of(new Scored("slow-item", 1f));
  }

  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "test-sleep";
    }

    @Override
    public StageKind kind() {
      return StageKind.CHANNEL;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      return new SleepChannel(config.name(), config.integer("sleep_ms", 1000, 0, 600_000));
    }
  }
}
