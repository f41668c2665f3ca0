package dev.funnel.recall.lightgcn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.config.Params;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LightGcnConfigTest {
  @Test
  void defaultsAreTheReferenceSettings() {
    LightGcnConfig c = LightGcnConfig.defaults();
    assertThat(c.dim()).isEqualTo(64);
    assertThat(c.layers()).isEqualTo(3);
    assertThat(c.learningRate()).isEqualTo(0.001);
    assertThat(c.l2()).isEqualTo(1e-4);
    assertThat(c.batchSize()).isEqualTo(2048);
    assertThat(c.initStd()).isEqualTo(0.1);
  }

  @Test
  void badValuesNameTheFieldAndValue() {
    LightGcnConfig d = LightGcnConfig.defaults();
    assertThatThrownBy(() -> Params.bind(d, Map.of("layers", "-1"))).hasMessageContaining("layers must be >= 0; layers=-1");
    assertThatThrownBy(() -> Params.bind(d, Map.of("learningRate", "0"))).hasMessageContaining("learningRate=0.0");
    assertThatThrownBy(() -> Params.bind(d, Map.of("batchSize", "0"))).hasMessageContaining("batchSize must be positive; batchSize=0");
    assertThatThrownBy(() -> Params.bind(d, Map.of("l2", "NaN"))).hasMessageContaining("l2=NaN");
    assertThatThrownBy(() -> Params.bind(d, Map.of("validateEvery", "0"))).hasMessageContaining("validateEvery=0");
    assertThat(Params.bind(d, Map.of("layers", "0")).layers()).isZero();
  }
}
