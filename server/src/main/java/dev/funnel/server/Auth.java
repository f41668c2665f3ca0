package dev.funnel.server;

import io.vertx.core.http.HttpMethod;

/**
 * Decides whether a request may go ahead given the configured {@link ApiKeys}. Routes under {@code /v1/}
 * are guarded: writes (POST, PUT, PATCH, DELETE) always need a write key, reads need a key only when
 * {@code readsNeedKey}. {@code /health}, {@code /ready}, {@code /metrics} and {@code /openapi.json} are
 * open. Without any configured key everything is allowed: the server then refuses to start a writable
 * service on anything but a loopback address (see {@link FunnelServer}).
 *
 * <p>The key comes from {@code Authorization: Bearer KEY} or {@code X-Api-Key: KEY}. A missing key is a
 * 401, a wrong key or a read key on a write is a 403; the key is never echoed.
 */
final class Auth {
  static final String GUARDED_PREFIX = "/v1/";

  private final ApiKeys keys;
  private final boolean readsNeedKey;

  Auth(ApiKeys keys, boolean readsNeedKey) {
    this.keys = keys;
    this.readsNeedKey = readsNeedKey;
  }

  static boolean isWrite(HttpMethod method) {
    return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH || method == HttpMethod.DELETE;
  }

  /**
   * @param authorization the {@code Authorization} header or null
   * @param apiKey the {@code X-Api-Key} header or null
   * @return a client id for rate limiting ({@code "key#N"}) when a valid key was given, else null
   * @throws RequestException 401 or 403 when the request may not go ahead
   */
  String check(HttpMethod method, String path, String authorization, String apiKey) {
    if (keys.isEmpty()) {
      return null;
    }
    String presented = presented(authorization, apiKey);
    boolean guarded = path.startsWith(GUARDED_PREFIX);
    ApiKeys.Role needed = isWrite(method) ? ApiKeys.Role.WRITE : ApiKeys.Role.READ;
    boolean required = guarded && (needed == ApiKeys.Role.WRITE || readsNeedKey);
    if (presented == null) {
      if (required) {
        throw new RequestException(401, "an API key is required: send 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'", null, null);
      }
      return null;
    }
    int index = keys.match(presented);
    if (index < 0) {
      if (required) {
        throw new RequestException(403, "the API key is not valid", null, null);
      }
      return null;
    }
    if (required && !keys.role(index).allows(needed)) {
      throw new RequestException(403, "the API key may only read; " + method + " needs a write key", null, null);
    }
    return "key#" + index;
  }

  private static String presented(String authorization, String apiKey) {
    if (authorization != null && !authorization.isBlank()) {
      String a = authorization.strip();
      if (a.length() > 7 && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return a.substring(7).strip();
      }
      return a.isEmpty() ? null : ""; // another scheme: present but never a match
    }
    if (apiKey != null && !apiKey.isBlank()) {
      return apiKey.strip();
    }
    return null;
  }
}
