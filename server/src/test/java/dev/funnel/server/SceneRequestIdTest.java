package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneRequestIdTest {
  @Test
  void requestIdsAre32LowercaseHexDigitsAndDistinct() {
    Set<String> ids = new HashSet<>();
    boolean[] digitSeen = new boolean[16];
    for (int n = 0; n < 2_000; n++) {
      String id = SceneRoutes.requestId();
      assertThat(id).matches("[0-9a-f]{32}");
      for (char ch : id.toCharArray()) {
        digitSeen[Character.digit(ch, 16)] = true;
      }
      ids.add(id);
    }
    assertThat(ids).hasSize(2_000);
    assertThat(digitSeen).containsOnly(true);
  }
}
