package dev.funnel.client;

import java.util.List;

/**
 * The server refused a request (4xx) or failed (5xx): the HTTP status and the server's JSON error,
 * i.e. the message, the parameter (field) at fault and its value when one was, and for
 * {@code POST /v1/events} the rejected lines. Also thrown, with status 0, when the server could not be
 * reached or answered something that is not Funnel's JSON.
 */
public final class FunnelException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String parameter;
  private final String value;
  private final transient List<IngestResult.Rejected> rejected;

  public FunnelException(int status, String message, String parameter, String value, List<IngestResult.Rejected> rejected, Throwable cause) {
    super("HTTP " + status + ": " + message, cause);
    this.status = status;
    this.parameter = parameter;
    this.value = value;
    this.rejected = rejected == null ? List.of() : List.copyOf(rejected);
  }

  /** The HTTP status; 0 when there was no HTTP answer (connection refused, timeout, TLS failure). */
  public int status() {
    return status;
  }

  /** The parameter or field the server named as at fault; null when none. */
  public String parameter() {
    return parameter;
  }

  /** The bad value the server echoed; null when none. */
  public String value() {
    return value;
  }

  /** For a refused event batch: the lines and why; empty otherwise. */
  public List<IngestResult.Rejected> rejected() {
    return rejected;
  }

  /** 4xx: the request was at fault and retrying it unchanged will fail again (except 429). */
  public boolean isClientError() {
    return status >= 400 && status < 500;
  }
}
