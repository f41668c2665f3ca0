package dev.funnel.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one request went through, returned with {@code debug=true}: per stage the candidate counts
 * in and out and the latency, per channel its count, latency and status, per filter how many items
 * it rejected (inside the channels, where filters are pushed down), and per returned item its
 * channels, recall scores and ranks, final score and re-rank adjustments. Field names are the wire names.
 */
public record Trace(String ranking, List<StageStep> stages, List<ChannelStep> channels, Map<String, Integer> rejected, List<TracedItem> items) {
  /** One stage: candidates in and out, microseconds spent. */
  public record StageStep(String stage, int in, int out, long micros) {}

  /**
   * One channel: items asked for ({@code limit}, the quota times the over-fetch), items proposed, items
   * kept within the budget, microseconds, and {@code ok}, {@code timeout} or {@code failed: reason}.
   */
  public record ChannelStep(String channel, int quota, int limit, int proposed, int kept, long micros, String status) {}

  /** One returned item. */
  public record TracedItem(String item, int position, float score, Map<String, Float> channels, Map<String, Integer> ranks,
      List<String> adjustments) {
    static TracedItem of(Candidate c, int position) {
      return new TracedItem(c.item(), position, c.score(), c.channelScores(), c.channelRanks(), new ArrayList<>(c.adjustments()));
    }
  }
}
