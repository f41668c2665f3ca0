package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /openapi.json} served by the real server lists exactly the router's routes (path + method),
 * read from the running Vert.x router, so the document cannot drift from the code.
 */
class OpenApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path data;

  /** "METHOD /path" of every route that names a path and methods (the catch-alls and route-naming hooks name none). */
  private static Set<String> routerOperations(FunnelServer server) {
    Set<String> out = new TreeSet<>();
    for (Route r : server.routes()) {
      Set<HttpMethod> methods = r.methods();
      if (r.getPath() == null || methods == null || methods.isEmpty()) {
        continue;
      }
      for (HttpMethod m : methods) {
        out.add(m.name() + " " + OpenApiDocument.openApiPath(r.getPath()));
      }
    }
    return out;
  }

  private Set<String> documentOperations(FunnelServer server) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/openapi.json")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode doc = JSON.readTree(r.body());
    assertThat(doc.get("openapi").asText()).startsWith("3.0");
    Set<String> out = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        out.add(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
        assertThat(op.getValue().get("responses").size()).as(op.getKey() + " " + path.getKey() + " has responses").isPositive();
        for (JsonNode resp : op.getValue().get("responses")) {
          JsonNode content = resp.get("content");
          if (content != null && content.has("application/json") && content.get("application/json").get("schema").has("$ref")) {
            String ref = content.get("application/json").get("schema").get("$ref").asText();
            assertThat(doc.at("/components/schemas/" + ref.substring(ref.lastIndexOf('/') + 1)).isMissingNode()).as(ref).isFalse();
          }
        }
      }
    }
    // Parameters of /v1/recommend are described with their bounds.
    JsonNode k = null;
    for (JsonNode p : doc.at("/paths/~1v1~1recommend/get/parameters")) {
      if (p.get("name").asText().equals("k")) {
        k = p;
      }
    }
    assertThat(k).isNotNull();
    assertThat(k.at("/schema/maximum").asInt()).isEqualTo(10);
    return out;
  }

  @Test
  void liveServerDocumentMatchesTheRouter() throws Exception {
    LiveFixture.writeModel(data);
    try (LiveService live = LiveService.open(data, null, LiveService.Config.defaults())) {
      FunnelServer server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, 10, null, 1), live);
      try {
        Set<String> routes = routerOperations(server);
        assertThat(routes).contains("POST /v1/events", "PUT /v1/items/{id}", "DELETE /v1/users/{id}", "GET /ready", "GET /openapi.json");
        assertThat(documentOperations(server)).isEqualTo(routes);
      } finally {
        server.close();
      }
    }
  }

  @Test
  void readOnlyServerDocumentMatchesTheRouter() throws Exception {
    FunnelServer server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, 10, null, 1), Map.of("a", FixtureModel.saved(false)));
    try {
      Set<String> routes = routerOperations(server);
      assertThat(routes).contains("GET /v1/recommend", "GET /health").doesNotContain("POST /v1/events");
      assertThat(documentOperations(server)).isEqualTo(routes);
    } finally {
      server.close();
    }
  }
}
