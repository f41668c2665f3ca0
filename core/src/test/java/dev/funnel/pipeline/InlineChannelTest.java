package dev.funnel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.pipeline.fusion.ScoreFusion;
import dev.funnel.recall.ModelRecommender.Scored;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Channels with {@code inline: true} run on the request thread, merge as pooled ones do, and degrade when they throw. */
class InlineChannelTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static Channel channel(String name, List<Thread> ranOn, RuntimeException failure, String... items) {
    return new Channel() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
        ranOn.add(Thread.currentThread());
        if (failure != null) {
          throw failure;
        }
        List<Scored> out = new java.util.ArrayList<>();
        for (int i = 0; i < items.length; i++) {
          out.add(new Scored(items[i], items.length - i));
        }
        return out;
      }
    };
  }

  @Test
  void inlineChannelsRunOnTheRequestThreadAndMergeWithPooledOnes() {
    List<Thread> inline = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> pooled = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> failing = new java.util.concurrent.CopyOnWriteArrayList<>();
    Pipeline p = new Pipeline("t", List.of(
        new Pipeline.ChannelSlot(channel("cheap", inline, null, "x", "y"), 10, 50, true),
        new Pipeline.ChannelSlot(channel("pooled", pooled, null, "y", "z"), 10, 2_000),
        new Pipeline.ChannelSlot(channel("broken", failing, new IllegalStateException("no index"), "w"), 10, 50, true)),
        100, 1, List.of(), new ScoreFusion(ScoreFusion.Method.RRF, 60, Map.of()), List.of(), new MapResources(), pool);
    PipelineResult r = p.run(new PipelineRequest("u", null, 3, 0, List.of(), null, true, 0));
    assertThat(inline).containsExactly(Thread.currentThread());
    assertThat(failing).containsExactly(Thread.currentThread());
    assertThat(pooled).hasSize(1).doesNotContain(Thread.currentThread());
    // RRF: y = 1/62 + 1/61 first; x and z tie at 1/61 in channel order.
    assertThat(r.items()).extracting(Candidate::item).containsExactly("y", "x", "z");
    assertThat(r.degraded()).containsExactly(new PipelineResult.Degraded("broken", "failed: IllegalStateException: no index"));
    assertThat(r.trace().channels().get(0).status()).isEqualTo("ok");
    assertThat(r.trace().channels().get(2).status()).isEqualTo("failed: IllegalStateException: no index");
  }
}
