package dev.funnel.server;

/**
 * How the HTTP server binds and bounds requests.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the TCP port; 0 picks a free one ({@link FunnelServer#port()} tells which)
 * @param maxK the largest {@code k} a request may ask for (a bound on per-request work and response size)
 * @param defaultModel the model used when a request names none; null means the first model by name
 * @param eventLoops Vert.x event loops, one HTTP server instance each
 */
public record ServerConfig(String host, int port, int maxK, String defaultModel, int eventLoops) {
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
  }

  /** 127.0.0.1:8080, maxK 1000, the first model by name, one event loop per core. */
  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", 8080, 1000, null, Runtime.getRuntime().availableProcessors());
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, maxK, defaultModel, eventLoops);
  }
}
