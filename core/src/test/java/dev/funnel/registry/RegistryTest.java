package dev.funnel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.recall.RecallAlgorithm;
import org.junit.jupiter.api.Test;

class RegistryTest {
  @Test
  void findsEveryRecallAlgorithmByName() {
    assertThat(Registry.recallAlgorithms().keySet()).contains("itemcf", "pop", "swing", "usercf");
    for (var e : Registry.recallAlgorithms().entrySet()) {
      RecallAlgorithm<?> a = e.getValue();
      assertThat(a.name()).isEqualTo(e.getKey());
      assertThat(a.summary()).isNotBlank();
      assertThat(a.configType()).isEqualTo(a.defaultConfig().getClass());
      assertThat(Registry.recall(e.getKey())).isSameAs(a);
    }
  }

  @Test
  void unknownNameListsTheValidNames() {
    assertThatThrownBy(() -> Registry.recall("itemknn"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'itemknn'")
        .hasMessageContaining("itemcf")
        .hasMessageContaining("pop")
        .hasMessageContaining("swing")
        .hasMessageContaining("usercf");
  }
}
