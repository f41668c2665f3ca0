package dev.funnel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.Interactions;
import dev.funnel.online.EventTypes;
import dev.funnel.store.Event;
import org.junit.jupiter.api.Test;

/** Weights, negatives, skipped types and the per-user temporal holdout, checked by hand. */
class TrainingSnapshotTest {
  private static TrainingSnapshot build(double fraction) {
    TrainingSnapshot.Builder b = new TrainingSnapshot.Builder(EventTypes.defaults());
    b.accept(1, Event.of("u1", "i1", "click", 100));
    b.accept(2, Event.of("u1", "i2", "purchase", 200)); // weight 4
    b.accept(3, Event.of("u1", "i3", "click", 300));
    b.accept(4, Event.of("u1", "i1", "click", 400)); // repeat: i1 sums to 2
    b.accept(5, Event.of("u2", "i1", "impression", 100)); // weight 0: no signal
    b.accept(6, Event.of("u2", "i2", "click", 150));
    b.accept(7, Event.of("u2", "i3", "dislike", 160)); // negative: the pair is left out
    b.accept(8, Event.of("u2", "i3", "click", 170));
    b.accept(9, Event.of("u3", "i4", "bogus", 10)); // type not configured: skipped
    b.accept(10, Event.of("u2", "i4", "view", 180)); // weight 0.5
    b.accept(11, Event.of("u4", "i1", "click", 500));
    b.accept(12, Event.of("u4", "i2", "click", 50)); // logged late, older in time
    b.coverUpTo(13);
    return b.build(fraction);
  }

  private static float value(Interactions m, int u, int i) {
    for (int p = m.userPtr()[u]; p < m.userPtr()[u + 1]; p++) {
      if (m.userItems()[p] == i) {
        return m.userValues()[p];
      }
    }
    return Float.NaN;
  }

  @Test
  void weightsNegativesAndHoldout() {
    TrainingSnapshot s = build(0.5);
    int u1 = s.users().get("u1");
    int u2 = s.users().get("u2");
    int u4 = s.users().get("u4");
    int i1 = s.items().get("i1");
    int i2 = s.items().get("i2");
    int i3 = s.items().get("i3");
    int i4 = s.items().get("i4");
    assertThat(s.users().get("u3")).isEqualTo(-1);
    assertThat(s.position()).isEqualTo(13);
    assertThat(s.skipped()).isEqualTo(1);
    assertThat(s.events()).isEqualTo(8); // u1: 4, u2: i2 and i4, u4: 2

    // u1: newest two of four (i3 at 300, i1 at 400) held out; i1 is also in train, so only i3 is a holdout cell.
    assertThat(s.train().itemsOf(u1)).containsExactly(i1, i2);
    assertThat(value(s.train(), u1, i1)).isEqualTo(1f);
    assertThat(value(s.train(), u1, i2)).isEqualTo(4f);
    assertThat(s.holdout().itemsOf(u1)).containsExactly(i3);
    assertThat(value(s.all(), u1, i1)).isEqualTo(2f);
    assertThat(s.all().itemsOf(u1)).containsExactly(i1, i2, i3);
    // u2: the disliked pair is gone; i4 (view 0.5) newest, held out.
    assertThat(s.train().itemsOf(u2)).containsExactly(i2);
    assertThat(s.holdout().itemsOf(u2)).containsExactly(i4);
    assertThat(value(s.all(), u2, i4)).isEqualTo(0.5f);
    assertThat(s.all().contains(u2, i3)).isFalse();
    // u4: time order, not log order: i1 (t=500) is the newest.
    assertThat(s.holdout().itemsOf(u4)).containsExactly(i1);
    assertThat(s.train().itemsOf(u4)).containsExactly(i2);
    assertThat(s.holdoutSize()).isEqualTo(3);

    // After position 5, u1's i3 (seq 3) is no longer unseen; u2's i4 (seq 10) and u4's i1 (seq 11) are.
    Interactions after = s.holdoutAfter(5);
    assertThat(after.nnz()).isEqualTo(2);
    assertThat(after.itemsOf(u2)).containsExactly(i4);
    assertThat(after.itemsOf(u4)).containsExactly(i1);
    assertThat(s.holdoutAfter(11).nnz()).isZero();
  }

  @Test
  void noHoldoutKeepsEverythingInTraining() {
    TrainingSnapshot s = build(0.0);
    assertThat(s.holdoutSize()).isZero();
    assertThat(s.train().nnz()).isEqualTo(s.all().nnz()).isEqualTo(7);
  }

  @Test
  void badFractionIsNamed() {
    assertThatThrownBy(() -> build(1.0)).hasMessageContaining("holdoutFraction").hasMessageContaining("1.0");
  }
}
