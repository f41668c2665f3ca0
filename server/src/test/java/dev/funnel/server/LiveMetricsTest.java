package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.client.FunnelClient;
import dev.funnel.client.FunnelEvent;
import dev.funnel.client.FunnelException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics of the live server: the ingest, freshness, fsync and per-route series exist and move with traffic. */
class LiveMetricsTest {
  @TempDir Path data;

  /** The value of the first sample line matching {@code series} exactly (name and labels); -1 when absent. */
  static double sample(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void ingestFsyncFreshnessAndRouteSeriesMoveWithTraffic() throws Exception {
    LiveService live = LiveFixture.openLive(data);
    FunnelServer server = null;
    try {
      server = LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 100, null, 1), live);
      FunnelClient client = FunnelClient.of(URI.create("http://127.0.0.1:" + server.port()));
      String before = client.metrics();
      assertThat(sample(before, "funnel_log_fsync_seconds_count")).isZero();
      assertThat(sample(before, "funnel_event_apply_lag_seconds_count")).isZero();
      assertThat(sample(before, "funnel_events_accepted_total{type=\"click\"}")).as("no series before the first event").isEqualTo(-1);

      client.sendEvents(List.of(FunnelEvent.of("u9", "a0", "click"), FunnelEvent.of("u9", "a1", "purchase"), FunnelEvent.of("u9", "b0", "clack"),
          FunnelEvent.of("u8", "a0", "click").withId("x1")));
      client.sendEvents(List.of(FunnelEvent.of("u8", "a0", "click").withId("x1")));
      assertThatThrownBy(() -> client.sendEvents(List.of(FunnelEvent.of("u9", "b0", "clack")))).isInstanceOf(FunnelException.class);
      client.recommend("u9", 5);
      client.putItem("a1", Map.of("categories", List.of("x")));
      assertThat(client.getItem("zz")).isEmpty();

      // Latency is recorded once the body is written, maybe just after the client read it: poll (bounded).
      String text = client.metrics();
      for (int tries = 0; tries < 40 && sample(text, "funnel_http_requests_total{route=\"/v1/items/{id}\",status=\"404\"}") < 1; tries++) {
        Thread.sleep(50);
        text = client.metrics();
      }
      assertThat(sample(text, "funnel_events_accepted_total{type=\"click\"}")).isEqualTo(2);
      assertThat(sample(text, "funnel_events_accepted_total{type=\"purchase\"}")).isEqualTo(1);
      assertThat(sample(text, "funnel_events_rejected_total{field=\"type\"}")).as("one per request, both the 200 and the 400").isEqualTo(2);
      assertThat(sample(text, "funnel_events_duplicate_total")).isEqualTo(1);
      assertThat(sample(text, "funnel_event_apply_lag_seconds_count")).as("one per request that stored events").isEqualTo(1);
      assertThat(sample(text, "funnel_event_apply_lag_seconds_bucket{le=\"+Inf\"}")).isEqualTo(1);
      assertThat(sample(text, "funnel_event_apply_lag_seconds_sum")).isPositive();
      assertThat(sample(text, "funnel_log_fsync_seconds_count")).as("at least one group commit").isGreaterThanOrEqualTo(1);
      assertThat(sample(text, "funnel_log_fsync_seconds_bucket{le=\"+Inf\"}")).isEqualTo(sample(text, "funnel_log_fsync_seconds_count"));
      assertThat(sample(text, "funnel_log_fsync_seconds_sum")).isPositive();
      assertThat(sample(text, "funnel_log_events_total")).isEqualTo(3);
      assertThat(sample(text, "funnel_log_last_sequence")).isEqualTo(3);
      assertThat(sample(text, "funnel_log_group_commits_total")).isBetween(1.0, 2.0);
      assertThat(sample(text, "funnel_online_events_observed")).isEqualTo(3);
      assertThat(sample(text, "funnel_http_requests_total{route=\"/v1/events\",status=\"200\"}")).isEqualTo(2);
      assertThat(sample(text, "funnel_http_requests_total{route=\"/v1/events\",status=\"400\"}")).isEqualTo(1);
      assertThat(sample(text, "funnel_http_request_duration_seconds_count{route=\"/v1/events\",status_class=\"2xx\"}")).isEqualTo(2);
      assertThat(sample(text, "funnel_http_request_duration_seconds_count{route=\"/v1/events\",status_class=\"4xx\"}")).isEqualTo(1);
      assertThat(sample(text, "funnel_http_request_duration_seconds_count{route=\"/v1/recommend\",status_class=\"2xx\"}")).isEqualTo(1);
      assertThat(sample(text, "funnel_http_requests_total{route=\"/v1/items/{id}\",status=\"200\"}")).as("route template, not the raw path")
          .isEqualTo(1);
      assertThat(text).doesNotContain("route=\"/v1/items/a1\"").doesNotContain("type=\"clack\"");
      assertThat(sample(text, "funnel_idempotency_ids")).as("x1 once").isEqualTo(1);
      assertThat(sample(text, "funnel_idempotency_ids_max")).isEqualTo(100);
      assertThat(sample(text, "funnel_online_users{model=\"itemcf\"}")).as("not seeded from training (the log is replayed): u9 and u8").isEqualTo(2);
      assertThat(sample(text, "funnel_online_users_max{model=\"itemcf\"}")).isPositive();
      assertThat(sample(text, "funnel_online_items{model=\"itemcf\"}")).isGreaterThanOrEqualTo(3);
      assertThat(sample(text, "funnel_online_memory_bytes{model=\"itemcf\"}")).isPositive();
      assertThat(text).contains("# TYPE funnel_log_fsync_seconds histogram").contains("# TYPE funnel_event_apply_lag_seconds histogram")
          .contains("# TYPE funnel_events_accepted_total counter");
    } finally {
      LiveFixture.close(server, live);
    }
  }
}
