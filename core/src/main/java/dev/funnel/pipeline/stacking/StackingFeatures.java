package dev.funnel.pipeline.stacking;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.pipeline.Candidate;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.SampleBatch;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The features a stacking ranker learns from: what the funnel itself knows about each candidate.
 * Per channel {@code c} (in scene order): {@code c} = [proposed (1), min-max normalised score within
 * the request's candidates from c (value in [0, 1]), rank discount 1 / log2(rank + 2) (value, the NDCG
 * discount: fine order within a bucket), one-hot rank bucket floor(log2(rank + 1)) of 12];
 * then {@code channels} (how many channels proposed it, one-hot), {@code pop} (item training degree,
 * log2 bucket of 24), {@code user} (the user's training activity, log2 bucket of 24). One-hot buckets
 * give a linear model a non-linear response to ranks and counts; an FM also learns their crosses
 * (popularity × channel, activity × channel). Item age is not a feature: the datasets at hand carry no
 * publication time.
 *
 * <p>User-side work (the user's bucket) is done once per request; a request's candidates become one
 * {@link SampleBatch}. Immutable and thread-safe.
 */
public final class StackingFeatures {
  static final int RANK_BUCKETS = 12;
  static final int PER_CHANNEL = 3 + RANK_BUCKETS;
  static final int COUNT_BUCKETS = 24;

  /** Field layout: per channel a rank field of RANK_BUCKETS + 1 (the last: not proposed) and a score field of 2. */
  static final int FIELD_RANKS = RANK_BUCKETS + 1;
  static final int FIELD_PER_CHANNEL = FIELD_RANKS + 2;

  private final List<String> channels;
  private final boolean perField;
  private final FieldMap fields;
  private final int countBase;
  private final int popBase;
  private final int userBase;

  public StackingFeatures(List<String> channels) {
    this(channels, false);
  }

  /**
   * @param perField the field layout for field-embedding rankers (DeepFM, DCN, FFM: exactly one feature
   *     per field and row): per channel {@code c} a field {@code ch.c.rank} (one-hot rank bucket, or
   *     "not proposed") and a field {@code ch.c.score} (the min-max score as the value of feature 0, or
   *     feature 1 "not proposed"); the rank discount is left out. Then {@code channels}, {@code pop} and
   *     {@code user} as in the default layout.
   */
  public StackingFeatures(List<String> channels, boolean perField) {
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("a stacking ranker needs at least one channel; channels=[]");
    }
    this.channels = List.copyOf(channels);
    this.perField = perField;
    StringBuilder spec = new StringBuilder();
    int next = 0;
    for (String c : this.channels) {
      if (perField) {
        spec.append("ch.").append(c).append(".rank:").append(next).append('-').append(next + FIELD_RANKS - 1).append(',');
        spec.append("ch.").append(c).append(".score:").append(next + FIELD_RANKS).append('-').append(next + FIELD_RANKS + 1).append(',');
        next += FIELD_PER_CHANNEL;
        continue;
      }
      spec.append("ch.").append(c).append(':').append(next).append('-').append(next + PER_CHANNEL - 1).append(',');
      next += PER_CHANNEL;
    }
    countBase = next;
    next += this.channels.size() + 1;
    spec.append("channels:").append(countBase).append('-').append(next - 1).append(',');
    popBase = next;
    next += COUNT_BUCKETS;
    spec.append("pop:").append(popBase).append('-').append(next - 1).append(',');
    userBase = next;
    next += COUNT_BUCKETS;
    spec.append("user:").append(userBase).append('-').append(next - 1);
    fields = FieldMap.parse(spec.toString());
  }

  public List<String> channels() {
    return channels;
  }

  /** True for the field layout (one feature per field: DeepFM and kin). */
  public boolean perField() {
    return perField;
  }

  public FieldMap fields() {
    return fields;
  }

  /**
   * One row per candidate, in order.
   *
   * @param train the interactions popularity and activity are counted on, with its id maps
   * @param user the request's user (null: activity 0)
   * @param positives items labelled 1 (null: all 0, for scoring)
   */
  public SampleBatch encode(List<Candidate> candidates, String user, Interactions train, IdMap users, IdMap items, Set<String> positives) {
    int n = candidates.size();
    int nc = channels.size();
    int u = user == null ? -1 : users.get(user);
    int activity = u >= 0 && u < train.numUsers() ? train.userDegree(u) : 0;
    int userFeature = userBase + bucket(activity);
    // Per-channel min and max score over this request's candidates (the normalisation is per request).
    float[] min = new float[nc];
    float[] max = new float[nc];
    java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
    for (Candidate c : candidates) {
      for (Map.Entry<String, Float> e : c.channelScores().entrySet()) {
        int ci = channels.indexOf(e.getKey());
        if (ci >= 0) {
          min[ci] = Math.min(min[ci], e.getValue());
          max[ci] = Math.max(max[ci], e.getValue());
        }
      }
    }
    int[] rowPtr = new int[n + 1];
    int[] features = new int[n * (4 * nc + 3)];
    float[] values = new float[features.length];
    float[] labels = new float[n];
    int k = 0;
    for (int r = 0; r < n; r++) {
      Candidate c = candidates.get(r);
      int proposed = 0;
      for (int ci = 0; ci < nc; ci++) {
        Float s = c.channelScores().get(channels.get(ci));
        if (perField) {
          int base = ci * FIELD_PER_CHANNEL;
          if (s == null) {
            features[k] = base + RANK_BUCKETS;
            values[k++] = 1f;
            features[k] = base + FIELD_RANKS + 1;
            values[k++] = 1f;
            continue;
          }
          proposed++;
          features[k] = base + Math.min(RANK_BUCKETS - 1, bucket(c.channelRanks().get(channels.get(ci))));
          values[k++] = 1f;
          float range = max[ci] - min[ci];
          float norm = range > 0 && Float.isFinite(range) ? (s - min[ci]) / range : 1f;
          features[k] = base + FIELD_RANKS;
          values[k++] = Float.isFinite(norm) ? norm : 0f;
          continue;
        }
        if (s == null) {
          continue;
        }
        proposed++;
        int base = ci * PER_CHANNEL;
        features[k] = base;
        values[k++] = 1f;
        float range = max[ci] - min[ci];
        float norm = range > 0 && Float.isFinite(range) ? (s - min[ci]) / range : 1f;
        features[k] = base + 1;
        values[k++] = Float.isFinite(norm) ? norm : 0f;
        int rank = c.channelRanks().get(channels.get(ci));
        features[k] = base + 2;
        values[k++] = (float) (1.0 / (Math.log(rank + 2) / Math.log(2)));
        features[k] = base + 3 + Math.min(RANK_BUCKETS - 1, bucket(rank));
        values[k++] = 1f;
      }
      features[k] = countBase + proposed;
      values[k++] = 1f;
      int i = items.get(c.item());
      int degree = i >= 0 && i < train.numItems() ? train.itemDegree(i) : 0;
      features[k] = popBase + bucket(degree);
      values[k++] = 1f;
      features[k] = userFeature;
      values[k++] = 1f;
      rowPtr[r + 1] = k;
      labels[r] = positives != null && positives.contains(c.item()) ? 1f : 0f;
    }
    return new SampleBatch(fields, rowPtr, java.util.Arrays.copyOf(features, k), java.util.Arrays.copyOf(values, k), labels, null, null);
  }

  /** floor(log2(x + 1)), capped to the last count bucket. */
  static int bucket(int x) {
    return Math.min(COUNT_BUCKETS - 1, 31 - Integer.numberOfLeadingZeros(Math.max(0, x) + 1));
  }
}
