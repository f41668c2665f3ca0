package dev.funnel.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A blocking client for the Funnel HTTP API ({@code funnel serve}): events, catalog, recommendations,
 * health. Every refusal or failure is a {@link FunnelException} carrying the HTTP status and the
 * server's JSON error; a missing catalog record is an empty {@link Optional} instead.
 *
 * <pre>{@code
 * FunnelClient funnel = FunnelClient.builder(URI.create("https://recs.example:8443")).apiKey(key).sslContext(ctx).build();
 * funnel.sendEvents(List.of(FunnelEvent.of("u17", "i3", "click")), Policy.PER_LINE);
 * List<String> top = funnel.recommend("u17", 10).itemIds();
 * }</pre>
 *
 * <p>Thread-safe; one instance shares one {@link HttpClient} (its connection pool) across threads.
 */
public final class FunnelClient {
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final int MAX_ERROR_CHARS = 512;

  private final URI base;
  private final String apiKey;
  private final Duration timeout;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  private FunnelClient(Builder b) {
    String s = b.base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.apiKey = b.apiKey;
    this.timeout = b.timeout;
    HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(b.timeout).version(HttpClient.Version.HTTP_1_1);
    if (b.sslContext != null) {
      hb.sslContext(b.sslContext);
    }
    this.http = hb.build();
  }

  /** A builder for the server at {@code base}, e.g. {@code http://127.0.0.1:8080}. */
  public static Builder builder(URI base) {
    return new Builder(base);
  }

  /** A client for {@code base} without key or TLS settings. */
  public static FunnelClient of(URI base) {
    return builder(base).build();
  }

  /** Client settings. */
  public static final class Builder {
    private final URI base;
    private String apiKey;
    private SSLContext sslContext;
    private Duration timeout = Duration.ofSeconds(30);

    private Builder(URI base) {
      this.base = Objects.requireNonNull(base, "base");
      String scheme = base.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new IllegalArgumentException("base must be an http or https URI; base=" + base);
      }
    }

    /** Sent as {@code Authorization: Bearer KEY} on every request. */
    public Builder apiKey(String key) {
      this.apiKey = key;
      return this;
    }

    /** For {@code https}: the context whose trust managers accept the server's certificate. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = context;
      return this;
    }

    /** Connect and per-request timeout (default 30 s). */
    public Builder timeout(Duration t) {
      if (t == null || t.isNegative() || t.isZero()) {
        throw new IllegalArgumentException("timeout must be positive; timeout=" + t);
      }
      this.timeout = t;
      return this;
    }

    public FunnelClient build() {
      return new FunnelClient(this);
    }
  }

  public URI base() {
    return base;
  }

  // ---- events ----

  /**
   * Posts the events as JSON lines; returns once the server has made the accepted ones durable.
   *
   * @throws FunnelException on 400 (all lines bad, or any under {@link Policy#ALL_OR_NOTHING}: see
   *     {@link FunnelException#rejected()}), 401/403, 413 (body or batch too large), 429, 503
   */
  public IngestResult sendEvents(List<FunnelEvent> events, Policy policy) {
    StringBuilder body = new StringBuilder(events.size() * 64);
    try {
      for (FunnelEvent e : events) {
        body.append(json.writeValueAsString(e.toJson())).append('\n');
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write an event as JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode r = call("POST", "/v1/events?policy=" + policy.wire(), body.toString());
    return new IngestResult(r.path("accepted").asInt(), r.path("duplicates").asInt(), rejected(r));
  }

  /** {@link #sendEvents(List, Policy)} with {@link Policy#PER_LINE}. */
  public IngestResult sendEvents(List<FunnelEvent> events) {
    return sendEvents(events, Policy.PER_LINE);
  }

  // ---- catalog ----

  /** {@code PUT /v1/items/{id}}: stores the whole record; returns it as the server stored it. */
  public Map<String, Object> putItem(String id, Map<String, Object> fields) {
    return toMap(call("PUT", "/v1/items/" + path(id), write(fields)));
  }

  /** {@code PATCH /v1/items/{id}}: changes the given fields; empty when there is no such item. */
  public Optional<Map<String, Object>> patchItem(String id, Map<String, Object> fields) {
    return optional(() -> call("PATCH", "/v1/items/" + path(id), write(fields)));
  }

  public Optional<Map<String, Object>> getItem(String id) {
    return optional(() -> call("GET", "/v1/items/" + path(id), null));
  }

  /** Whether there was an item to delete. */
  public boolean deleteItem(String id) {
    return optional(() -> call("DELETE", "/v1/items/" + path(id), null)).isPresent();
  }

  /** {@code PUT /v1/users/{id}}, e.g. {@code {"attributes": {"country": "NZ"}}}. */
  public Map<String, Object> putUser(String id, Map<String, Object> fields) {
    return toMap(call("PUT", "/v1/users/" + path(id), write(fields)));
  }

  public Optional<Map<String, Object>> getUser(String id) {
    return optional(() -> call("GET", "/v1/users/" + path(id), null));
  }

  /** Erases the user's profile and online state; whether there was any. */
  public boolean deleteUser(String id) {
    return optional(() -> call("DELETE", "/v1/users/" + path(id), null)).isPresent();
  }

  // ---- reads ----

  /** {@code GET /v1/recommend} with the default model and no exclusions. */
  public Recommendations recommend(String user, int k) {
    return recommend(user, k, List.of(), null);
  }

  /**
   * {@code GET /v1/recommend}.
   *
   * @param exclude items never to return (may be empty)
   * @param model the model's name; null for the server's default
   */
  public Recommendations recommend(String user, int k, List<String> exclude, String model) {
    StringBuilder q = new StringBuilder("/v1/recommend?user=").append(query(user)).append("&k=").append(k);
    if (!exclude.isEmpty()) {
      q.append("&exclude=").append(query(String.join(",", exclude)));
    }
    if (model != null) {
      q.append("&model=").append(query(model));
    }
    JsonNode r = call("GET", q.toString(), null);
    return ranked(r.path("user").asText(), r);
  }

  /** {@code GET /v1/similar} with the default model. */
  public Recommendations similar(String item, int k) {
    return similar(item, k, null);
  }

  public Recommendations similar(String item, int k, String model) {
    String q = "/v1/similar?item=" + query(item) + "&k=" + k + (model == null ? "" : "&model=" + query(model));
    JsonNode r = call("GET", q, null);
    return ranked(r.path("item").asText(), r);
  }

  /** {@code GET /health}: the served model names; throws when the server is not alive. */
  public List<String> health() {
    JsonNode r = call("GET", "/health", null);
    List<String> models = new ArrayList<>();
    r.path("models").forEach(n -> models.add(n.asText()));
    return models;
  }

  /** {@code GET /ready}: true on 200, false on 503 (starting or shutting down). */
  public boolean ready() {
    try {
      call("GET", "/ready", null);
      return true;
    } catch (FunnelException e) {
      if (e.status() == 503) {
        return false;
      }
      throw e;
    }
  }

  /** {@code GET /metrics}: the Prometheus text. */
  public String metrics() {
    HttpResponse<String> r = send("GET", "/metrics", null);
    if (r.statusCode() != 200) {
      throw error(r);
    }
    return r.body();
  }

  // ---- plumbing ----

  private JsonNode call(String method, String pathAndQuery, String body) {
    HttpResponse<String> r = send(method, pathAndQuery, body);
    if (r.statusCode() / 100 != 2) {
      throw error(r);
    }
    try {
      return json.readTree(r.body());
    } catch (IOException e) {
      throw new FunnelException(r.statusCode(), "not JSON from " + method + " " + pathAndQuery + ": " + clip(r.body()), null, null, null, e);
    }
  }

  private HttpResponse<String> send(String method, String pathAndQuery, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", pathAndQuery.startsWith("/v1/events") ? "application/x-ndjson" : "application/json");
    }
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new FunnelException(0, method + " " + base + pathAndQuery + " failed: " + e, null, null, null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FunnelException(0, method + " " + base + pathAndQuery + " interrupted", null, null, null, e);
    }
  }

  private FunnelException error(HttpResponse<String> r) {
    JsonNode body;
    try {
      body = json.readTree(r.body());
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      return new FunnelException(r.statusCode(), clip(r.body()), null, null, null, null);
    }
    String message = body.hasNonNull("error") ? body.get("error").asText() : clip(r.body());
    return new FunnelException(r.statusCode(), message, text(body, "parameter"), text(body, "value"), rejected(body), null);
  }

  private static String text(JsonNode body, String field) {
    return body.hasNonNull(field) ? body.get(field).asText() : null;
  }

  private static List<IngestResult.Rejected> rejected(JsonNode body) {
    List<IngestResult.Rejected> out = new ArrayList<>();
    body.path("rejected").forEach(n -> out.add(new IngestResult.Rejected(n.path("line").asInt(), text(n, "field"), text(n, "reason"))));
    return out;
  }

  private static Recommendations ranked(String subject, JsonNode r) {
    List<Recommendations.Scored> items = new ArrayList<>();
    r.path("items").forEach(n -> items.add(new Recommendations.Scored(n.path("item").asText(), (float) n.path("score").asDouble())));
    return new Recommendations(subject, text(r, "model"), items, text(r, "fallback"));
  }

  private Optional<Map<String, Object>> optional(java.util.function.Supplier<JsonNode> request) {
    try {
      return Optional.of(toMap(request.get()));
    } catch (FunnelException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Map<String, Object> toMap(JsonNode node) {
    return json.convertValue(node, OBJECT);
  }

  private String write(Map<String, Object> fields) {
    try {
      return json.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the fields as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String path(String id) {
    // URLEncoder encodes for forms (space as '+'); a path segment needs %20.
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String query(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= MAX_ERROR_CHARS ? s : s.substring(0, MAX_ERROR_CHARS) + "...";
  }
}
