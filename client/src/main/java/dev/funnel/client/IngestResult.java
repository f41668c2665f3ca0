package dev.funnel.client;

import java.util.List;

/**
 * The server's answer to {@code POST /v1/events}, sent only once the accepted events are durable.
 *
 * @param accepted events newly stored
 * @param duplicates events whose id was already stored within the idempotency window (not stored again)
 * @param rejected the lines refused, with line number, field and reason
 */
public record IngestResult(int accepted, int duplicates, List<Rejected> rejected) {
  public IngestResult {
    rejected = List.copyOf(rejected);
  }

  /**
   * One refused line.
   *
   * @param line 1-based line of the body (the position in the batch)
   * @param field the field at fault; null when the line as a whole is (malformed JSON)
   * @param reason why
   */
  public record Rejected(int line, String field, String reason) {}
}
