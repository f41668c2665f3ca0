package dev.funnel.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One candidate item of one request: the channels that proposed it with their scores and ranks,
 * the score the rank (or fusion) stage gave it, and what re-rankers did to it. Mutable, confined to
 * the request's thread after the merge.
 */
public final class Candidate {
  private final String item;
  private final Map<String, Float> channelScores = new LinkedHashMap<>(4);
  private final Map<String, Integer> channelRanks = new LinkedHashMap<>(4);
  private float score;
  private List<String> adjustments = List.of();
  private Feedback feedback;

  public Candidate(String item) {
    this.item = item;
  }

  public String item() {
    return item;
  }

  /** Records that {@code channel} proposed this item at 0-based {@code rank} with {@code score}; a repeat keeps the best rank. */
  public void proposedBy(String channel, int rank, float score) {
    Integer old = channelRanks.get(channel);
    if (old == null || rank < old) {
      channelRanks.put(channel, rank);
      channelScores.put(channel, score);
    }
  }

  /** Channel name -> its recall score, in the order the channels proposed the item. */
  public Map<String, Float> channelScores() {
    return Collections.unmodifiableMap(channelScores);
  }

  /** Channel name -> 0-based rank in that channel's list. */
  public Map<String, Integer> channelRanks() {
    return Collections.unmodifiableMap(channelRanks);
  }

  public float score() {
    return score;
  }

  public void score(float value) {
    score = value;
  }

  /** Notes what a re-rank stage did ("mmr: 3 -> 5", "pinned at 0"), for the trace. */
  public void adjust(String note) {
    if (adjustments.isEmpty()) {
      adjustments = new ArrayList<>(2);
    }
    adjustments.add(note);
  }

  public List<String> adjustments() {
    return Collections.unmodifiableList(adjustments);
  }

  /** Marks the candidate as placed by a learning stage, which wants its impression and click back. */
  public void explored(Feedback learner) {
    feedback = learner;
  }

  /** The learning stage's feedback for this candidate, or null. */
  public Feedback feedback() {
    return feedback;
  }

  @Override
  public String toString() {
    return item + "(" + score + ", " + channelScores + ")";
  }
}
