package dev.funnel.store.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogConfigTest {
  @Test
  void defaultsAndValidation() {
    assertThat(LogConfig.defaults().segmentBytes()).isEqualTo(64L << 20);
    assertThatThrownBy(() -> LogConfig.defaults().withSegmentBytes(10)).hasMessageContaining("segmentBytes=10");
    assertThatThrownBy(() -> LogConfig.defaults().withMaxAgeMillis(-1)).hasMessageContaining("maxAgeMillis=-1");
    assertThatThrownBy(() -> LogConfig.defaults().withMaxTotalBytes(-3)).hasMessageContaining("maxTotalBytes=-3");
    assertThat(LogConfig.defaults().preallocateBytes()).isEqualTo(1L << 20);
    assertThatThrownBy(() -> LogConfig.defaults().withPreallocateBytes(-1)).hasMessageContaining("preallocateBytes=-1");
    assertThatThrownBy(() -> LogConfig.defaults().withPreallocateBytes(1L << 31)).hasMessageContaining("preallocateBytes=2147483648");
  }
}
