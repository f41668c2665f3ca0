package dev.funnel.pipeline;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * One candidate item of one request: the channels that proposed it with their scores and ranks,
 * the score the rank (or fusion) stage gave it, and what re-rankers did to it. Mutable, confined to
 * the request's thread after the merge.
 *
 * <p>The channels are kept in three small parallel arrays (a candidate has one to a few): a scene
 * merges hundreds of candidates per request, and two {@code LinkedHashMap}s of boxed values each
 * were most of a light scene's allocation (measured with JFR on gowalla at 2,000 requests/s: about
 * 250 KB per request, a young collection every 0.7 s). {@link #channelScores} and
 * {@link #channelRanks} are read-only map views over the arrays.
 */
public final class Candidate {
  private static final String[] NO_CHANNELS = {};
  private static final int[] NO_RANKS = {};
  private static final float[] NO_SCORES = {};

  private final String item;
  private String[] channels = NO_CHANNELS;
  private int[] ranks = NO_RANKS;
  private float[] scores = NO_SCORES;
  private int count;
  private float score;
  private List<String> adjustments = List.of();
  private Feedback feedback;
  private float pctr = Float.NaN;
  private double bid = Double.NaN;
  private double ecpm = Double.NaN;
  private Map<String, Float> scoreView;
  private Map<String, Integer> rankView;

  public Candidate(String item) {
    this.item = item;
  }

  public String item() {
    return item;
  }

  /** Records that {@code channel} proposed this item at 0-based {@code rank} with {@code score}; a repeat keeps the best rank. */
  public void proposedBy(String channel, int rank, float score) {
    for (int i = 0; i < count; i++) {
      if (channels[i].equals(channel)) {
        if (rank < ranks[i]) {
          ranks[i] = rank;
          scores[i] = score;
        }
        return;
      }
    }
    if (count == channels.length) {
      int n = Math.max(2, 2 * count);
      channels = Arrays.copyOf(channels, n);
      ranks = Arrays.copyOf(ranks, n);
      scores = Arrays.copyOf(scores, n);
    }
    channels[count] = channel;
    ranks[count] = rank;
    scores[count++] = score;
  }

  /** How many channels proposed the item. */
  public int channelCount() {
    return count;
  }

  /** The {@code i}-th channel that proposed the item (0-based, in the order they proposed it). */
  public String channel(int i) {
    return channels[Objects.checkIndex(i, count)];
  }

  /** That channel's 0-based rank of the item. */
  public int channelRank(int i) {
    return ranks[Objects.checkIndex(i, count)];
  }

  /** That channel's recall score of the item. */
  public float channelScore(int i) {
    return scores[Objects.checkIndex(i, count)];
  }

  /** The channels that proposed the item, in the order they proposed it (a copy). */
  public String[] channelNames() {
    return Arrays.copyOf(channels, count);
  }

  /** Channel name -> its recall score, in the order the channels proposed the item (read-only view). */
  public Map<String, Float> channelScores() {
    if (scoreView == null) {
      scoreView = new View<>(false);
    }
    return scoreView;
  }

  /** Channel name -> 0-based rank in that channel's list (read-only view). */
  public Map<String, Integer> channelRanks() {
    if (rankView == null) {
      rankView = new View<>(true);
    }
    return rankView;
  }

  private int indexOf(Object channel) {
    for (int i = 0; i < count; i++) {
      if (channels[i].equals(channel)) {
        return i;
      }
    }
    return -1;
  }

  /** A read-only map over the channel arrays: ranks or scores. */
  private final class View<V> extends AbstractMap<String, V> {
    private final boolean rank;

    View(boolean rank) {
      this.rank = rank;
    }

    @SuppressWarnings("unchecked")
    private V value(int i) {
      return (V) (rank ? (Object) ranks[i] : (Object) scores[i]);
    }

    @Override
    public int size() {
      return count;
    }

    @Override
    public boolean containsKey(Object key) {
      return indexOf(key) >= 0;
    }

    @Override
    public V get(Object key) {
      int i = indexOf(key);
      return i < 0 ? null : value(i);
    }

    @Override
    public Set<Map.Entry<String, V>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return count;
        }

        @Override
        public Iterator<Map.Entry<String, V>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < count;
            }

            @Override
            public Map.Entry<String, V> next() {
              if (next >= count) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new AbstractMap.SimpleImmutableEntry<>(channels[i], value(i));
            }
          };
        }
      };
    }
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

  /**
   * Ads mode: the candidate is an ad with click probability {@code pctr} (the rank stage's score) and
   * {@code bid}; its score becomes {@code ecpm} ({@link dev.funnel.pipeline.ads.AdsMode}).
   */
  public void ad(float pctr, double bid, double ecpm) {
    this.pctr = pctr;
    this.bid = bid;
    this.ecpm = ecpm;
    this.score = (float) ecpm;
  }

  /** Whether ads mode priced this candidate ({@link #ad}). */
  public boolean isAd() {
    return !Double.isNaN(bid);
  }

  /** The ad's pCTR, or NaN when {@link #isAd()} is false. */
  public float pctr() {
    return pctr;
  }

  /** The ad's bid, or NaN. */
  public double bid() {
    return bid;
  }

  /** The ad's eCPM = pCTR x bid x 1000, or NaN. */
  public double ecpm() {
    return ecpm;
  }

  @Override
  public String toString() {
    return item + "(" + score + ", " + channelScores() + ")";
  }
}
