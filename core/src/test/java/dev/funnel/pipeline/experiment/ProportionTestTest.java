package dev.funnel.pipeline.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProportionTestTest {
  @Test
  void handCheckedFixture() {
    // 100/1000 vs 130/1000: pooled 230/2000 = 0.115; se = sqrt(0.115 * 0.885 * (1/1000 + 1/1000))
    // = sqrt(0.00020355) = 0.0142671; z = (0.100 - 0.130) / 0.0142671 = -2.10274;
    // p = 2 (1 - Phi(2.10274)) = 0.035488 (tables: Phi(2.10) = 0.98214, Phi(2.11) = 0.98257).
    ProportionTest.Result r = ProportionTest.twoSided(1000, 100, 1000, 130);
    assertThat(r.z()).isCloseTo(-2.10274, within(1e-4));
    assertThat(r.p()).isCloseTo(0.035488, within(1e-5));
    // 250/5000 vs 260/4000: pooled 510/9000 = 0.056667, se = 0.0049046, z = (0.05 - 0.065) / se = -3.05836, p = 0.0022255
    ProportionTest.Result s = ProportionTest.twoSided(5000, 250, 4000, 260);
    assertThat(s.z()).isCloseTo(-3.05836, within(1e-4));
    assertThat(s.p()).isCloseTo(0.0022255, within(1e-6));
    assertThat(ProportionTest.twoSided(4000, 260, 5000, 250).z()).isCloseTo(3.05836, within(1e-4));
  }

  @Test
  void equalRatesAndEmptySides() {
    ProportionTest.Result r = ProportionTest.twoSided(200, 20, 400, 40);
    assertThat(r.z()).isEqualTo(0.0);
    assertThat(r.p()).isCloseTo(1.0, within(1e-6));
    assertThat(ProportionTest.twoSided(0, 0, 10, 1).p()).isNaN();
    assertThat(ProportionTest.twoSided(10, 0, 10, 0).p()).isNaN();
    assertThatThrownBy(() -> ProportionTest.twoSided(10, 11, 10, 1)).hasMessageContaining("c1=11");
  }

  @Test
  void erfcMatchesKnownValues() {
    assertThat(ProportionTest.erfc(0)).isCloseTo(1.0, within(1e-7));
    assertThat(ProportionTest.erfc(1)).isCloseTo(0.157299207, within(1e-7));
    assertThat(ProportionTest.erfc(1.959963985 / Math.sqrt(2))).isCloseTo(0.05, within(1e-7));
  }
}
