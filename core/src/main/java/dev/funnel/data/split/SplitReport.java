package dev.funnel.data.split;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a split did. Counts are events (rows), except the user/item counts.
 *
 * @param spec the split as text ({@link SplitSpec#toString()})
 * @param seed the seed of random splits (0 otherwise)
 * @param trainEvents events in train
 * @param testEvents events left in test after the removals below
 * @param trainPairEvents test events whose (user, item) is also in train; always removed from test,
 *     since one pair in both matrices is leakage
 * @param coldUsers distinct test users with no training events
 * @param coldUserEvents their test events (after the train-pair removal)
 * @param coldUserPolicy whether those events were dropped or kept
 * @param coldItems distinct test items with no training events (among remaining test events)
 * @param coldItemEvents their test events
 * @param coldItemPolicy whether those events were dropped or kept
 * @param cutMillis the cut instant of a global time split, else {@link Long#MIN_VALUE}
 */
public record SplitReport(String spec, long seed, int trainEvents, int testEvents, int trainPairEvents, int coldUsers, int coldUserEvents,
    ColdPolicy coldUserPolicy, int coldItems, int coldItemEvents, ColdPolicy coldItemPolicy, long cutMillis) {

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("spec", spec);
    m.put("seed", seed);
    m.put("trainEvents", trainEvents);
    m.put("testEvents", testEvents);
    m.put("testEventsAlreadyInTrainDropped", trainPairEvents);
    m.put("coldUsers", coldUsers);
    m.put("coldUserEvents", coldUserEvents);
    m.put("coldUserPolicy", coldUserPolicy.name().toLowerCase(java.util.Locale.ROOT));
    m.put("coldItems", coldItems);
    m.put("coldItemEvents", coldItemEvents);
    m.put("coldItemPolicy", coldItemPolicy.name().toLowerCase(java.util.Locale.ROOT));
    if (cutMillis != Long.MIN_VALUE) {
      m.put("cutMillis", cutMillis);
    }
    return m;
  }

  /** One line for logs. */
  public String summary() {
    String cold = (coldUserPolicy == ColdPolicy.DROP ? "dropped " : "kept ") + coldUserEvents + " events of " + coldUsers + " cold users, "
        + (coldItemPolicy == ColdPolicy.DROP ? "dropped " : "kept ") + coldItemEvents + " events of " + coldItems + " cold items";
    return spec + ": " + trainEvents + " train / " + testEvents + " test events; dropped " + trainPairEvents
        + " test events already in train; " + cold;
  }
}
