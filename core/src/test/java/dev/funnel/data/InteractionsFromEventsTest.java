package dev.funnel.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Duplicate policies on hand fixtures, and CSR/CSC agreement on random tables. */
class InteractionsFromEventsTest {
  /** u-a three times: values 2 (t=10), 5 (t=30), 3 (t=20); u-b once. */
  private static EventTable fixture() {
    EventTable t = new EventTable();
    t.add("u", "a", 10, "view", 2);
    t.add("u", "a", 30, "buy", 5);
    t.add("u", "a", 20, "view", 3);
    t.add("u", "b", 5, "view", 1);
    t.add("w", "b", 7, "view", 4);
    t.add("w", "b", 7, "view", 6); // same time: keep-last takes the one read last
    return t;
  }

  private static float cell(Interactions m, int u, int i) {
    int p = java.util.Arrays.binarySearch(m.userItems(), m.userPtr()[u], m.userPtr()[u + 1], i);
    assertThat(p).isGreaterThanOrEqualTo(0);
    return m.userValues()[p];
  }

  private static long time(Interactions m, int u, int i) {
    int p = java.util.Arrays.binarySearch(m.userItems(), m.userPtr()[u], m.userPtr()[u + 1], i);
    return m.userTimes()[p];
  }

  @Test
  void keepLastTakesTheLatestEventsValue() {
    EventTable t = fixture();
    Interactions m = t.toInteractions(DuplicatePolicy.KEEP_LAST);
    assertThat(m.nnz()).isEqualTo(3);
    assertThat(cell(m, 0, 0)).isEqualTo(5f); // t=30 wins although read second
    assertThat(time(m, 0, 0)).isEqualTo(30);
    assertThat(cell(m, 1, 1)).isEqualTo(6f);
  }

  @Test
  void sumAddsAllValues() {
    Interactions m = fixture().toInteractions(DuplicatePolicy.SUM);
    assertThat(cell(m, 0, 0)).isEqualTo(10f);
    assertThat(time(m, 0, 0)).isEqualTo(30);
    assertThat(cell(m, 0, 1)).isEqualTo(1f);
    assertThat(cell(m, 1, 1)).isEqualTo(10f);
  }

  @Test
  void maxTakesTheLargest() {
    Interactions m = fixture().toInteractions(DuplicatePolicy.MAX);
    assertThat(cell(m, 0, 0)).isEqualTo(5f);
    assertThat(cell(m, 1, 1)).isEqualTo(6f);
  }

  @Test
  void csrAndCscAgreeOnRandomTables() {
    long seed = System.nanoTime();
    System.out.println("InteractionsFromEventsTest seed=" + seed);
    Random rnd = new Random(seed);
    for (int round = 0; round < 20; round++) {
      EventTable t = new EventTable();
      int users = 1 + rnd.nextInt(30);
      int items = 1 + rnd.nextInt(30);
      Map<Long, Float> sums = new HashMap<>();
      for (int k = rnd.nextInt(300); k > 0; k--) {
        int u = rnd.nextInt(users);
        int i = rnd.nextInt(items);
        float v = rnd.nextInt(4);
        t.add("u" + u, "i" + i, rnd.nextInt(100), "x", v);
        long key = ((long) t.users().get("u" + u) << 32) | t.items().get("i" + i);
        sums.merge(key, v, Float::sum);
      }
      Interactions m = t.toInteractions(DuplicatePolicy.SUM);
      assertThat(m.nnz()).as("seed %d", seed).isEqualTo(sums.size());
      long cells = 0;
      for (int i = 0; i < m.numItems(); i++) {
        for (int p = m.itemPtr()[i]; p < m.itemPtr()[i + 1]; p++) {
          int u = m.itemUsers()[p];
          if (p > m.itemPtr()[i]) {
            assertThat(m.itemUsers()[p - 1]).isLessThan(u);
          }
          assertThat(m.contains(u, i)).isTrue();
          assertThat(m.itemValues()[p]).isEqualTo(sums.get(((long) u << 32) | i));
          assertThat(m.itemTimes()[p]).isEqualTo(time(m, u, i));
          cells++;
        }
      }
      assertThat(cells).isEqualTo(m.nnz());
      for (int u = 0; u < m.numUsers(); u++) {
        for (int i : m.itemsOf(u)) {
          assertThat(cell(m, u, i)).isEqualTo(sums.get(((long) u << 32) | i));
          assertThat(java.util.Arrays.binarySearch(m.usersOf(i), u)).isGreaterThanOrEqualTo(0);
        }
      }
    }
  }
}
