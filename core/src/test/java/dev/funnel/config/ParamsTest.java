package dev.funnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.recall.itemcf.ItemCFConfig;
import dev.funnel.recall.popular.PopularConfig;
import dev.funnel.recall.swing.SwingConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {
  @Test
  void overridesApplyOnTopOfDefaults() {
    ItemCFConfig c = Params.bind(ItemCFConfig.defaults(), Map.of("neighbors", "7", "iuf", "false", "shrink", " 2.5 "));
    assertThat(c.neighbors()).isEqualTo(7);
    assertThat(c.iuf()).isFalse();
    assertThat(c.shrink()).isEqualTo(2.5);
    assertThat(c.alpha()).isEqualTo(ItemCFConfig.defaults().alpha());
  }

  @Test
  void unknownKeyListsTheValidKeys() {
    assertThatThrownBy(() -> Params.bind(ItemCFConfig.defaults(), Map.of("neighbours", "7")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'neighbours'")
        .hasMessageContaining("alpha, binary, exponent, iuf, neighbors, normalize, shrink");
  }

  @Test
  void badNumberNamesKeyAndValue() {
    assertThatThrownBy(() -> Params.bind(ItemCFConfig.defaults(), Map.of("neighbors", "lots")))
        .hasMessageContaining("'neighbors'").hasMessageContaining("'lots'").hasMessageContaining("int");
    assertThatThrownBy(() -> Params.bind(ItemCFConfig.defaults(), Map.of("iuf", "yes")))
        .hasMessageContaining("'iuf'").hasMessageContaining("true or false").hasMessageContaining("'yes'");
  }

  @Test
  void rangeErrorsComeFromTheRecordAndNameTheField() {
    assertThatThrownBy(() -> Params.bind(ItemCFConfig.defaults(), Map.of("neighbors", "0")))
        .hasMessage("neighbors must be positive; neighbors=0");
    assertThatThrownBy(() -> Params.bind(SwingConfig.defaults(), Map.of("maxUsersPerItem", "1")))
        .hasMessageContaining("maxUsersPerItem=1");
    assertThatThrownBy(() -> Params.bind(ItemCFConfig.defaults(), Map.of("alpha", "1.5")))
        .hasMessageContaining("alpha=1.5");
  }

  @Test
  void enumsParseCaseInsensitivelyAndListChoices() {
    assertThat(Params.bind(PopularConfig.defaults(), Map.of("weighting", "Values")).weighting()).isEqualTo(PopularConfig.Weighting.VALUES);
    assertThatThrownBy(() -> Params.bind(PopularConfig.defaults(), Map.of("weighting", "clicks")))
        .hasMessageContaining("'weighting'").hasMessageContaining("users, values").hasMessageContaining("'clicks'");
  }

  @Test
  void toStringsRoundTrips() {
    SwingConfig c = new SwingConfig(9, 2.0, 3.0, 0.5, 17, 33, true, false);
    assertThat(Params.bind(SwingConfig.defaults(), Params.toStrings(c))).isEqualTo(c);
    PopularConfig p = new PopularConfig(PopularConfig.Weighting.VALUES, 3.5);
    assertThat(Params.toStrings(p)).containsEntry("weighting", "values");
    assertThat(Params.bind(PopularConfig.defaults(), Params.toStrings(p))).isEqualTo(p);
  }
}
