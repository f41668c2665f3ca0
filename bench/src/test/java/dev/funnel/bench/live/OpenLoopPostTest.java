package dev.funnel.bench.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.bench.serve.ChildLoadGenerator;
import dev.funnel.bench.serve.LoadGenerator;
import dev.funnel.bench.serve.LoadResult;
import dev.funnel.server.FunnelServer;
import dev.funnel.server.LiveService;
import dev.funnel.server.ServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LoadGenerator#runPost} and {@link ChildLoadGenerator#runPost} (the same loop in its own JVM) against the live server: every
 * body is sent, refused ones count as errors, accepted ones are logged.
 */
class OpenLoopPostTest {
  @TempDir Path data;

  @Test
  void postsEveryBodyAndCountsRefusals() throws Exception {
    ServerProcess.writeTinyModel(data);
    try (LiveService live = LiveService.open(data, null, LiveService.Config.defaults());
        FunnelServer server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, 100, null, 1), live)) {
      List<String> bodies = List.of("{\"user\":\"u1\",\"item\":\"a0\",\"type\":\"click\"}", "{\"user\":\"u1\",\"item\":\"a0\",\"type\":\"teleport\"}");
      LoadResult r = LoadGenerator.runPost(URI.create("http://127.0.0.1:" + server.port()), "/v1/events", bodies, 40, Duration.ZERO,
          Duration.ofSeconds(1), 2);
      assertThat(r.requests()).isEqualTo(40);
      assertThat(r.errors()).as("the unknown type is a 400").isEqualTo(20);
      assertThat(live.log().lastSequence()).isEqualTo(20);
    }
  }

  @Test
  void theChildGeneratorPostsEveryBodyAndReportsBack() throws Exception {
    ServerProcess.writeTinyModel(data);
    try (LiveService live = LiveService.open(data, null, LiveService.Config.defaults());
        FunnelServer server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, 100, null, 1), live)) {
      List<String> bodies = List.of("{\"user\":\"u1\",\"item\":\"a0\",\"type\":\"click\"}",
          "{\"user\":\"u2\",\"item\":\"a0\",\"type\":\"teleport\"}", "{\"user\":\"u3\",\"item\":\"a0\",\"type\":\"click\"}");
      // 10 warm-up requests (not measured, but sent) then 30 measured, cycling the three bodies.
      LoadResult r = ChildLoadGenerator.runPost(URI.create("http://127.0.0.1:" + server.port()), "/v1/events", bodies, 40,
          Duration.ofMillis(250), Duration.ofMillis(750), 2);
      assertThat(r.requests()).isEqualTo(30);
      assertThat(r.errors()).as("every third body has an unknown type (a 400)").isEqualTo(10);
      assertThat(r.p50Ms()).isPositive();
      assertThat(live.log().lastSequence()).as("27 of the 40 bodies sent are valid").isEqualTo(27);
    }
  }

  @Test
  void theChildGeneratorRefusesAMultiLineBody() {
    Assertions.assertThatThrownBy(() -> ChildLoadGenerator.runPost(URI.create("http://127.0.0.1:1"), "/v1/events", List.of("{}\n{}"), 10,
        Duration.ZERO, Duration.ofSeconds(1), 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one line");
  }

  @Test
  void anUnknownLoadGeneratorIsRefusedNamingTheField() {
    Assertions.assertThatThrownBy(() -> IngestBench.ingestOpenLoop(null, "m", null, 1, 10, Duration.ZERO, Duration.ofSeconds(1),
        IngestBench.Host.inJvm(), "thread")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'load_generator'")
        .hasMessageContaining("load_generator=thread");
  }
}
