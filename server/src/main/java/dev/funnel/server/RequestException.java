package dev.funnel.server;

/**
 * A request the server refuses: the HTTP status, a message, and the parameter and value at fault
 * (null when no single parameter is).
 */
final class RequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String parameter;
  private final String value;

  RequestException(int status, String message, String parameter, String value) {
    super(message, null, false, false);
    this.status = status;
    this.parameter = parameter;
    this.value = value;
  }

  static RequestException badParameter(String parameter, String value, String message) {
    return new RequestException(400, message, parameter, value);
  }

  int status() {
    return status;
  }

  Responses.ErrorBody body() {
    return new Responses.ErrorBody(getMessage(), parameter, value);
  }
}
