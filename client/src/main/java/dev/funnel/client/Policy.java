package dev.funnel.client;

/** How {@code POST /v1/events} treats a batch with bad lines. */
public enum Policy {
  /** Store the valid events, report the bad lines (the server's default). */
  PER_LINE("per-line"),
  /** Store nothing if any line is bad. */
  ALL_OR_NOTHING("all-or-nothing");

  private final String wire;

  Policy(String wire) {
    this.wire = wire;
  }

  /** The value of the {@code policy} query parameter. */
  public String wire() {
    return wire;
  }
}
