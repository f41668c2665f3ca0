package dev.funnel.bench.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.bench.serve.LoadGenerator;
import dev.funnel.bench.serve.LoadResult;
import dev.funnel.server.FunnelServer;
import dev.funnel.server.LiveService;
import dev.funnel.server.ServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LoadGenerator#runPost} against the live server: every body is sent, refused ones count as errors, accepted ones are logged. */
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
}
