package dev.funnel.server;

/**
 * How the HTTP server binds, who may call it and how requests are bounded.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the TCP port; 0 picks a free one ({@link FunnelServer#port()} tells which)
 * @param maxK the largest {@code k} a request may ask for (a bound on per-request work and response size)
 * @param defaultModel the model used when a request names none; null means the first model by name
 * @param eventLoops Vert.x event loops, one HTTP server instance each
 * @param apiKeys the keys write routes require (and read routes when {@code readsNeedKey}); with none,
 *     a live server only starts on a loopback address
 * @param readsNeedKey whether {@code /v1/recommend}, {@code /v1/similar} and catalog GETs need a key too
 * @param maxBatchEvents the most events one {@code POST /v1/events} may carry (more get a JSON 413)
 * @param requestsPerSecond per-client rate limit on {@code /v1/*} (per API key, else per remote address);
 *     0 turns it off
 * @param tls serve HTTPS with this key and certificate; null serves plain HTTP
 */
public record ServerConfig(String host, int port, int maxK, String defaultModel, int eventLoops, ApiKeys apiKeys, boolean readsNeedKey,
    int maxBatchEvents, double requestsPerSecond, TlsConfig tls) {
  /** Default {@link #maxBatchEvents}. */
  public static final int DEFAULT_MAX_BATCH_EVENTS = 10_000;

  public ServerConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank; host=" + (host == null ? "null" : "'" + host + "'"));
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535]; port=" + port);
    }
    if (maxK < 1) {
      throw new IllegalArgumentException("maxK must be >= 1; maxK=" + maxK);
    }
    if (defaultModel != null && defaultModel.isBlank()) {
      throw new IllegalArgumentException("defaultModel must be null or a model name; defaultModel='" + defaultModel + "'");
    }
    if (eventLoops < 1) {
      throw new IllegalArgumentException("eventLoops must be >= 1; eventLoops=" + eventLoops);
    }
    if (apiKeys == null) {
      throw new IllegalArgumentException("apiKeys must not be null; use ApiKeys.none()");
    }
    if (readsNeedKey && apiKeys.isEmpty()) {
      throw new IllegalArgumentException("readsNeedKey needs at least one API key; apiKeys=0");
    }
    if (maxBatchEvents < 1) {
      throw new IllegalArgumentException("maxBatchEvents must be >= 1; maxBatchEvents=" + maxBatchEvents);
    }
    if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
      throw new IllegalArgumentException("requestsPerSecond must be >= 0 and finite (0 = off); requestsPerSecond=" + requestsPerSecond);
    }
  }

  /** Plain HTTP (no TLS). */
  public ServerConfig(String host, int port, int maxK, String defaultModel, int eventLoops, ApiKeys apiKeys, boolean readsNeedKey,
      int maxBatchEvents, double requestsPerSecond) {
    this(host, port, maxK, defaultModel, eventLoops, apiKeys, readsNeedKey, maxBatchEvents, requestsPerSecond, null);
  }

  /** No API keys, open reads, {@value #DEFAULT_MAX_BATCH_EVENTS} events per batch, no rate limit. */
  public ServerConfig(String host, int port, int maxK, String defaultModel, int eventLoops) {
    this(host, port, maxK, defaultModel, eventLoops, ApiKeys.none(), false, DEFAULT_MAX_BATCH_EVENTS, 0);
  }

  /** 127.0.0.1:8080, maxK 1000, the first model by name, one event loop per core. */
  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", 8080, 1000, null, Runtime.getRuntime().availableProcessors());
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, maxK, defaultModel, eventLoops, apiKeys, readsNeedKey, maxBatchEvents, requestsPerSecond, tls);
  }

  /** The same with these access rules. */
  public ServerConfig withAccess(ApiKeys keys, boolean keyedReads) {
    return new ServerConfig(host, port, maxK, defaultModel, eventLoops, keys, keyedReads, maxBatchEvents, requestsPerSecond, tls);
  }

  /** The same with these limits. */
  public ServerConfig withLimits(int batchEvents, double perClientRequestsPerSecond) {
    return new ServerConfig(host, port, maxK, defaultModel, eventLoops, apiKeys, readsNeedKey, batchEvents, perClientRequestsPerSecond, tls);
  }

  /** The same served over TLS with {@code newTls} (null: plain HTTP). */
  public ServerConfig withTls(TlsConfig newTls) {
    return new ServerConfig(host, port, maxK, defaultModel, eventLoops, apiKeys, readsNeedKey, maxBatchEvents, requestsPerSecond, newTls);
  }

  /** {@code https} with TLS, else {@code http}. */
  public String scheme() {
    return tls == null ? "http" : "https";
  }
}
