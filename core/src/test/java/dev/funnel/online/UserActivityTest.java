package dev.funnel.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UserActivityTest {
  @Test
  void historyIsARingOfTheNewestEventsAndSeenKeepsTheNewestDistinctItems() {
    UserActivity a = new UserActivity(new UserActivity.Config(10, 3, 4, 4));
    for (int i = 1; i <= 5; i++) {
      a.record("u", i, i, 100L * i, false);
    }
    a.record("u", 5, 2f, 600L, false); // repeat: a new history entry, not a new seen item
    UserHistory h = a.snapshot("u");
    assertThat(h.items()).containsExactly(5, 5, 4);
    assertThat(h.weights()).containsExactly(2f, 5f, 4f);
    assertThat(h.times()).containsExactly(600L, 500L, 400L);
    assertThat(h.seen()).containsExactly(2, 3, 4, 5);
    assertThat(h.seen(1)).isFalse();
    assertThat(a.snapshot("nobody")).isSameAs(UserHistory.EMPTY);
  }

  @Test
  void negativeFeedbackHidesAndALaterPositiveEventLiftsIt() {
    UserActivity a = new UserActivity(UserActivity.Config.defaults());
    a.record("u", 7, 0f, 1L, true);
    a.record("u", 8, 0f, 2L, true);
    UserHistory h = a.snapshot("u");
    assertThat(h.negative()).containsExactly(7, 8);
    assertThat(h.items()).isEmpty();
    a.record("u", 7, 1f, 3L, false);
    h = a.snapshot("u");
    assertThat(h.negative()).containsExactly(8);
    assertThat(h.seen()).containsExactly(7);
    a.record("u", 9, 0f, 4L, false); // an impression leaves no trace
    assertThat(a.snapshot("u").seen()).containsExactly(7);
    assertThat(a.snapshot("v")).isSameAs(UserHistory.EMPTY);
    a.record("v", 9, 0f, 4L, false);
    assertThat(a.size()).isEqualTo(1);
  }

  @Test
  void evictionKeepsUsersAndMemoryBoundedAndTheAccountingExact() {
    UserActivity.Config c = new UserActivity.Config(8, 16, 32, 4);
    UserActivity a = new UserActivity(c);
    for (int u = 0; u < 1000; u++) {
      for (int e = 0; e < 50; e++) {
        a.record("user-" + u, e, 1f, e, false);
        a.record("user-" + u, 1000 + e, 0f, e, true);
      }
      assertThat(a.size()).isLessThanOrEqualTo(8);
      assertThat(a.memoryBytes()).isLessThanOrEqualTo(8 * (a.maxBytesPerUser() + 40 + 10));
    }
    assertThat(a.size()).isEqualTo(8);
    // The newest user survives; the first ones were evicted.
    assertThat(a.snapshot("user-999").items()).hasSize(16);
    assertThat(a.snapshot("user-999").seen()).hasSize(32);
    assertThat(a.snapshot("user-0")).isSameAs(UserHistory.EMPTY);
    // Forgetting every user brings the estimate back to exactly zero: additions and evictions balance.
    for (int u = 0; u < 1000; u++) {
      a.forget("user-" + u);
    }
    assertThat(a.size()).isZero();
    assertThat(a.memoryBytes()).isZero();
  }

  @Test
  void forgetErasesEverything() {
    UserActivity a = new UserActivity(UserActivity.Config.defaults());
    a.record("u", 1, 1f, 1L, false);
    a.record("u", 2, 0f, 1L, true);
    assertThat(a.forget("u")).isTrue();
    assertThat(a.snapshot("u")).isSameAs(UserHistory.EMPTY);
    assertThat(a.forget("u")).isFalse();
    assertThat(a.memoryBytes()).isZero();
  }

  @Test
  void configIsValidated() {
    assertThatThrownBy(() -> new UserActivity.Config(0, 1, 1, 1)).hasMessage("maxUsers must be positive; maxUsers=0");
    assertThatThrownBy(() -> new UserActivity.Config(1, 0, 1, 1)).hasMessage("historyLength must be positive; historyLength=0");
    assertThatThrownBy(() -> new UserActivity.Config(1, 1, -2, 1)).hasMessage("maxSeen must be positive; maxSeen=-2");
  }
}
