package dev.funnel.bench.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.server.FunnelServer;
import dev.funnel.server.ServerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Correctness only (counts, errors); timing belongs to {@link ServeBenchmark}. */
class LoadGeneratorTest {
  @Test
  void countsRequestsAndErrorsAgainstTheRealServer() {
    SyntheticFactorModel.Shape shape = new SyntheticFactorModel.Shape(50, 200, 8, 5, 3);
    try (FunnelServer server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, 100, null, 1),
        Map.of("synthetic", SyntheticFactorModel.build(shape)))) {
      URI base = URI.create("http://127.0.0.1:" + server.port());
      LoadResult ok = LoadGenerator.run(base, List.of("/v1/recommend?user=u1&k=5", "/health"), 50, Duration.ofMillis(200),
          Duration.ofSeconds(1), 2);
      assertThat(ok.requests()).isEqualTo(50);
      assertThat(ok.errors()).isZero();
      assertThat(ok.qps()).isPositive();
      assertThat(ok.p50Ms()).isPositive().isLessThanOrEqualTo(ok.p99Ms());
      assertThat(ok.p99Ms()).isLessThanOrEqualTo(ok.maxMs());

      // Every other request is a 400 (k out of range): counted as errors, not dropped.
      LoadResult half = LoadGenerator.run(base, List.of("/v1/recommend?user=u1&k=5", "/v1/recommend?user=u1&k=0"), 40,
          Duration.ZERO, Duration.ofSeconds(1), 2);
      assertThat(half.requests()).isEqualTo(40);
      assertThat(half.errors()).isEqualTo(20);
    }
  }

  @Test
  void refusesBadArguments() {
    URI base = URI.create("http://127.0.0.1:1");
    assertThatThrownBy(() -> LoadGenerator.run(base, List.of(), 1, Duration.ZERO, Duration.ofSeconds(1), 1)).hasMessageContaining("paths");
    assertThatThrownBy(() -> LoadGenerator.run(base, List.of("/"), 0, Duration.ZERO, Duration.ofSeconds(1), 1)).hasMessageContaining("rate=0");
    assertThatThrownBy(() -> LoadGenerator.run(base, List.of("/"), 1, Duration.ZERO, Duration.ofSeconds(1), 0))
        .hasMessageContaining("connections=0");
  }
}
