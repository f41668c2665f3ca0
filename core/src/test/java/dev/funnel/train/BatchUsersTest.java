package dev.funnel.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchUsersTest {
  @Test
  void slotsFollowFirstAppearanceAndClearForgetsOnlyTheBatch() {
    BatchUsers b = new BatchUsers(10, 4);
    assertThat(b.add(7)).isEqualTo(0);
    assertThat(b.add(3)).isEqualTo(1);
    assertThat(b.add(7)).isEqualTo(0);
    assertThat(b.count()).isEqualTo(2);
    assertThat(b.user(1)).isEqualTo(3);
    assertThat(b.slotOf(3)).isEqualTo(1);
    assertThat(b.slotOf(5)).isEqualTo(-1);
    b.clear();
    assertThat(b.count()).isZero();
    assertThat(b.slotOf(7)).isEqualTo(-1);
    assertThat(b.slotOf(3)).isEqualTo(-1);
    assertThat(b.add(3)).isEqualTo(0);
  }
}
