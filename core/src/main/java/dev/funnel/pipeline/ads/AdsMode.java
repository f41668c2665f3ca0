package dev.funnel.pipeline.ads;

import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.SceneException;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.store.catalog.ItemRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Ads mode of a scene ({@code ads: {bid: ATTRIBUTE}}): every returned item is an ad, ordered by its
 * expected revenue per thousand impressions,
 *
 * <pre>  eCPM(i) = pCTR(i) × bid(i) × 1000</pre>
 *
 * the generalised-second-price ranking of sponsored search (Edelman, Ostrovsky &amp; Schwarz, AER 2007),
 * with {@code pCTR} the rank stage's click probability ({@link dev.funnel.pipeline.Ranker#probability()})
 * and {@code bid} a numeric catalogue attribute (default {@code bid}, price per click).
 *
 * <p>An item is an ad when its bid is a finite number &gt; 0; any other item (no catalogue record, no such
 * attribute, a string, zero, negative) is not an ad and is never returned by an ads scene. That test is
 * a built-in filter ({@link #isAd}, {@code ads:no-bid} in the trace), pushed into the channels like every
 * filter, so the channels fill their quotas with ads and a page is short only when no more ads remain.
 * Immutable and thread-safe.
 */
public final class AdsMode {
  /** The attribute read when the scene names none. */
  public static final String DEFAULT_BID = "bid";

  private final String attribute;
  private final PipelineResources resources;

  /** @param attribute the catalogue attribute holding each item's bid */
  public AdsMode(String attribute, PipelineResources resources) {
    this.attribute = Objects.requireNonNull(attribute, "attribute");
    this.resources = Objects.requireNonNull(resources, "resources");
    if (attribute.isBlank()) {
      throw new IllegalArgumentException("bid attribute must be non-empty; bid='" + attribute + "'");
    }
  }

  /**
   * Reads a scene's {@code ads} value: a mapping with the optional key {@code bid} (the attribute name),
   * or {@code true} for the defaults. Unknown keys and bad values fail naming {@code ads.KEY} and the value.
   */
  public static AdsMode read(Object value, PipelineResources resources) {
    if (Boolean.TRUE.equals(value)) {
      return new AdsMode(DEFAULT_BID, resources);
    }
    if (!(value instanceof Map<?, ?> m)) {
      throw new SceneException(null, "ads", String.valueOf(value), "must be a mapping such as {bid: bid} (or true for the defaults)");
    }
    Map<String, Object> keys = new LinkedHashMap<>();
    m.forEach((k, v) -> keys.put(String.valueOf(k), v));
    for (String reserved : List.of("type", "name")) {
      if (keys.containsKey(reserved)) {
        throw new SceneException(null, "ads." + reserved, String.valueOf(keys.get(reserved)), "unknown key '" + reserved + "' for ads; valid keys: [bid]");
      }
    }
    keys.put("type", "ads");
    StageConfig config = new StageConfig("ads", keys, "ads");
    String bid = config.string("bid", DEFAULT_BID);
    for (String k : keys.keySet()) {
      if (!k.equals("bid") && !k.equals("type")) {
        throw config.error(k, keys.get(k), "unknown key '" + k + "' for ads; valid keys: [bid]");
      }
    }
    return new AdsMode(bid, resources);
  }

  public String attribute() {
    return attribute;
  }

  /** The item's bid: the attribute as a number, or NaN when the catalogue lacks the item or the attribute, or it is not a finite number. */
  public double bid(String item) {
    ItemRecord r = resources.item(item);
    if (r == null) {
      return Double.NaN;
    }
    Object v = r.attributes().get(attribute);
    if (!(v instanceof Number n)) {
      return Double.NaN;
    }
    double d = n.doubleValue();
    return Double.isFinite(d) ? d : Double.NaN;
  }

  /** Whether the item is an ad: its bid is a finite number &gt; 0. */
  public boolean isAd(String item) {
    return bid(item) > 0;
  }

  /** {@code pctr × bid × 1000}: expected revenue per thousand impressions at price {@code bid} per click. */
  public static double ecpm(double pctr, double bid) {
    return pctr * bid * 1000.0;
  }

  /**
   * Turns ranked candidates into ads: each one's score (the rank stage's pCTR) is kept as its
   * {@link Candidate#pctr()}, its bid read, its score replaced by its eCPM; candidates that are not ads
   * (possible only for a channel that ignores the filters) are removed. The caller sorts by score.
   *
   * @param note whether to note the computation on each candidate (for the trace)
   * @return how many candidates were removed
   */
  public int apply(List<Candidate> candidates, boolean note) {
    int removed = 0;
    int w = 0;
    for (int r = 0; r < candidates.size(); r++) {
      Candidate c = candidates.get(r);
      double bid = bid(c.item());
      if (!(bid > 0)) {
        removed++;
        continue;
      }
      float pctr = c.score();
      double ecpm = ecpm(pctr, bid);
      c.ad(pctr, bid, ecpm);
      if (note) {
        c.adjust(String.format(Locale.ROOT, "ecpm: pctr %.6f x bid %s x 1000 = %.4f", pctr, bid, ecpm));
      }
      candidates.set(w++, c);
    }
    if (removed > 0) {
      candidates.subList(w, candidates.size()).clear();
    }
    return removed;
  }
}
