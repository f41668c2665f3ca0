package dev.funnel.pipeline;

import java.util.List;
import java.util.Objects;

/**
 * One recommendation request through a scene.
 *
 * @param user external user id, or null for an anonymous request (item pages)
 * @param item the anchor item of an item page, or null
 * @param k items wanted on this page
 * @param offset items skipped before this page (paging: page p is {@code offset = p * k})
 * @param exclude items never returned (unknown ids ignored)
 * @param allow when not null, only these items may be returned (a per-request allow-list)
 * @param debug whether the caller wants the trace
 * @param now request time, epoch ms (business rules such as {@code published_at > now - 7d} and decay)
 */
public record PipelineRequest(String user, String item, int k, int offset, List<String> exclude, List<String> allow, boolean debug, long now) {
  public PipelineRequest {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1; k=" + k);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0; offset=" + offset);
    }
    exclude = exclude == null ? List.of() : List.copyOf(exclude);
    allow = allow == null ? null : List.copyOf(allow);
    if (user != null && user.isEmpty()) {
      throw new IllegalArgumentException("user must be null or non-empty; user=''");
    }
    if (item != null && item.isEmpty()) {
      throw new IllegalArgumentException("item must be null or non-empty; item=''");
    }
  }

  /** A plain request for a user: first page, no lists, no trace. */
  public static PipelineRequest forUser(String user, int k, long now) {
    return new PipelineRequest(Objects.requireNonNull(user, "user"), null, k, 0, List.of(), null, false, now);
  }

  /** Positions the ranked list must fill: {@code offset + k}. */
  public int depth() {
    return offset + k;
  }
}
