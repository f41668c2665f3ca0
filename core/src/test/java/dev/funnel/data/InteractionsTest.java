package dev.funnel.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class InteractionsTest {
  private static EventTable table() {
    EventTable t = new EventTable();
    t.add("u0", "a", 10, "click", 1f);
    t.add("u0", "b", 20, "click", 2f);
    t.add("u0", "a", 30, "buy", 4f); // duplicate of (u0, a), later
    t.add("u1", "b", 5, "click", 3f);
    t.add("u1", "b", 5, "click", 1f); // same time: the later read wins for keep-last
    t.add("u1", "c", 1, "click", 1f);
    return t;
  }

  @Test
  void duplicatePoliciesHandCheck() {
    Interactions last = table().toInteractions(DuplicatePolicy.KEEP_LAST);
    Interactions sum = table().toInteractions(DuplicatePolicy.SUM);
    Interactions max = table().toInteractions(DuplicatePolicy.MAX);
    // u0 = 0: items a=0, b=1; u1 = 1: items b=1, c=2
    assertThat(last.nnz()).isEqualTo(4);
    assertThat(last.userValues()).containsExactly(4f, 2f, 1f, 1f);
    assertThat(sum.userValues()).containsExactly(5f, 2f, 4f, 1f);
    assertThat(max.userValues()).containsExactly(4f, 2f, 3f, 1f);
    assertThat(last.userTimes()).containsExactly(30L, 20L, 5L, 1L);
  }

  @Test
  void cscMirrorsCsr() {
    long seed = System.nanoTime();
    System.out.println("InteractionsTest seed=" + seed);
    Random rnd = new Random(seed);
    EventTable t = new EventTable();
    for (int n = 0; n < 2000; n++) {
      t.add("u" + rnd.nextInt(50), "i" + rnd.nextInt(80), rnd.nextInt(1000), "x", 1 + rnd.nextInt(3));
    }
    Interactions m = t.toInteractions(DuplicatePolicy.SUM);
    int cells = 0;
    for (int i = 0; i < m.numItems(); i++) {
      for (int q = m.itemPtr()[i]; q < m.itemPtr()[i + 1]; q++) {
        int u = m.itemUsers()[q];
        assertThat(m.contains(u, i)).as("seed %d", seed).isTrue();
        if (q > m.itemPtr()[i]) {
          assertThat(m.itemUsers()[q - 1]).isLessThan(u);
        }
        cells++;
      }
    }
    assertThat(cells).isEqualTo(m.nnz());
  }

  @Test
  void itemsByDegreeIsDescendingWithTiesBySmallerId() {
    // items a=0 (u0), b=1 (u0, u1), c=2 (u1): degrees 1, 2, 1; d=3 has none.
    EventTable t = table();
    t.items().getOrAdd("d");
    Interactions m = t.toInteractions(DuplicatePolicy.KEEP_LAST);
    assertThat(m.itemsByDegree()).containsExactly(1, 0, 2, 3);
  }

  @Test
  void rejectsInconsistentArrays() {
    assertThatThrownBy(() -> new Interactions(1, 2, new int[] {0, 2}, new int[] {1, 0}, new float[2], new long[2]))
        .hasMessageContaining("not strictly ascending");
    assertThatThrownBy(() -> new Interactions(1, 2, new int[] {0, 1}, new int[] {5}, new float[1], new long[1]))
        .hasMessageContaining("out of range");
  }
}
