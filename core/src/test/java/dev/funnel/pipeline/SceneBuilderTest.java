package dev.funnel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SceneBuilderTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final MapResources res = Fixtures.world();
  private final SceneBuilder builder = new SceneBuilder(Stages.installed(), res, pool);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static Map<String, Object> scene() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("budget", 50);
    s.put("channels", List.of(
        new LinkedHashMap<>(Map.of("name", "i2i", "type", "item-to-item", "model", "itemcf", "quota", 20)),
        new LinkedHashMap<>(Map.of("type", "popularity", "quota", 10))));
    s.put("filters", List.of(Map.of("type", "seen"), Map.of("type", "rule", "expression", "price < 100")));
    s.put("rerank", List.of(Map.of("type", "scatter", "window", 3, "max", 1), Map.of("type", "mmr", "lambda", 0.6)));
    return s;
  }

  @Test
  void buildsEveryStageByType() {
    Pipeline p = builder.build("scenes/home.yaml", scene());
    assertThat(p.name()).isEqualTo("home");
    assertThat(p.channels()).extracting(s -> s.channel().name()).containsExactly("i2i", "popularity");
    assertThat(p.channels()).extracting(Pipeline.ChannelSlot::timeoutMillis).containsExactly(50L, 50L);
    assertThat(p.filters()).extracting(Filter::name).containsExactly("seen", "rule");
    assertThat(p.ranker().description()).isEqualTo("fusion:rrf");
    assertThat(p.rerankers()).extracting(Reranker::name).containsExactly("scatter", "mmr");
    assertThat(p.deadlineMillis()).as("no deadline unless set").isZero();
    Map<String, Object> withDeadline = scene();
    withDeadline.put("deadline_ms", 80);
    assertThat(builder.build("scenes/home.yaml", withDeadline).deadlineMillis()).isEqualTo(80);
    assertThat(Stages.installed().types(StageKind.CHANNEL)).contains("item-to-item", "user-to-item", "popularity", "category-popularity");
  }

  private void fails(Map<String, Object> scene, String... parts) {
    assertThatThrownBy(() -> builder.build("scenes/home.yaml", scene)).isInstanceOf(SceneException.class).satisfies(e -> {
      for (String part : parts) {
        assertThat(e.getMessage()).contains(part);
      }
    });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> channel(Map<String, Object> scene, int n) {
    return (Map<String, Object>) ((List<Object>) scene.get("channels")).get(n);
  }

  @Test
  void badScenesNameTheFileKeyAndValue() {
    Map<String, Object> s = scene();
    channel(s, 0).put("type", "telepathy");
    fails(s, "scenes/home.yaml: channels[0].type: unknown channels stage type 'telepathy'; valid: category-popularity, content, item-to-item, new-items", "type=telepathy");

    s = scene();
    channel(s, 0).put("quota", 0);
    fails(s, "scenes/home.yaml: channels[0].quota: must be an integer in [1, 100000]; quota=0");

    s = scene();
    s.put("deadline_ms", -5);
    fails(s, "scenes/home.yaml: scene.deadline_ms: must be an integer in [0, 600000]; deadline_ms=-5");

    s = scene();
    channel(s, 0).put("model", "nope");
    fails(s, "channels[0].model: unknown model 'nope'; models: itemcf; model=nope");

    s = scene();
    channel(s, 1).put("quotaa", 5);
    fails(s, "channels[1].quotaa: unknown key 'quotaa' for stage type 'popularity'; valid keys: [inline, list, model, name, quota, timeout_ms, type]");

    s = scene();
    s.put("filters", List.of(Map.of("type", "rule", "expression", "price <")));
    fails(s, "filters[0].expression: rule 'price <' at position 7", "expression=price <");

    s = scene();
    s.put("budgett", 3);
    fails(s, "scenes/home.yaml: budgett: unknown key 'budgett'");

    s = scene();
    s.put("over_fetch", 0.5);
    fails(s, "over_fetch: must be a number in [1.0, 100.0]; over_fetch=0.5");

    s = scene();
    s.remove("channels");
    fails(s, "channels: missing required key 'channels'");

    s = scene();
    channel(s, 1).put("name", "i2i");
    fails(s, "channels[1].name: two channels with one name");

    s = scene();
    s.put("rank", Map.of("type", "deepfm"));
    fails(s, "rank.type: unknown rank stage type 'deepfm'; valid: feature-ranker, fusion");
  }
}
