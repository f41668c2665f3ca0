package dev.funnel.lifecycle;

import dev.funnel.store.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test events with an obvious structure: users of cluster a click only items a0..a(n-1), users of
 * cluster b only b items, and cluster b has more users (so its items are the most popular). An
 * item-to-item model then ranks a user's own cluster first, while popularity ranks b items first
 * for everyone: on a temporal holdout ItemCF clearly beats popularity.
 */
public final class ClusterEvents {
  private ClusterEvents() {}

  /**
   * @param prefix user id prefix (so batches of new users do not collide)
   * @param perUser distinct items each user clicks (at most {@code items})
   * @param start timestamp of the first event; each next event is 1 ms later
   */
  public static List<Event> generate(long seed, String prefix, int usersA, int usersB, int items, int perUser, long start) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Event> out = new ArrayList<>();
    long t = start;
    for (int n = 0; n < usersA + usersB; n++) {
      String cluster = n < usersA ? "a" : "b";
      int[] order = new int[items];
      for (int i = 0; i < items; i++) {
        order[i] = i;
      }
      for (int i = items - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int x = order[i];
        order[i] = order[j];
        order[j] = x;
      }
      for (int c = 0; c < perUser; c++) {
        out.add(Event.of(prefix + cluster + n, cluster + order[c], "click", t++));
      }
    }
    return out;
  }
}
