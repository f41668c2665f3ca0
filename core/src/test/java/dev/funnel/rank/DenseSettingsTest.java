package dev.funnel.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.rank.dcn.TrainSettings;
import dev.funnel.rank.din.DinActivation;
import dev.funnel.rank.din.DinConfig;
import dev.funnel.rank.multitask.ClickConversionLoss;
import dev.funnel.rank.multitask.ClickConversionTraining;
import org.junit.jupiter.api.Test;

class DenseSettingsTest {
  @Test
  void namesTheFirstBadFieldAndItsValue() {
    DenseSettings.check(1, 1e-3, 0, 0, 0.01, 1, 0);
    assertThatThrownBy(() -> DenseSettings.check(0, 1e-3, 0, 0, 0.01, 1, 0)).hasMessage("batchSize must be positive; batchSize=0");
    assertThatThrownBy(() -> DenseSettings.check(1, Double.NaN, 0, 0, 0.01, 1, 0))
        .hasMessage("learningRate must be positive and finite; learningRate=NaN");
    assertThatThrownBy(() -> DenseSettings.check(1, 1e-3, Double.POSITIVE_INFINITY, 0, 0.01, 1, 0))
        .hasMessage("embeddingL2 must be >= 0 and finite; embeddingL2=Infinity");
    assertThatThrownBy(() -> DenseSettings.check(1, 1e-3, 0, -1, 0.01, 1, 0)).hasMessage("denseL2 must be >= 0 and finite; denseL2=-1.0");
    assertThatThrownBy(() -> DenseSettings.check(1, 1e-3, 0, 0, 0, 1, 0)).hasMessage("initStd must be positive and finite; initStd=0.0");
    assertThatThrownBy(() -> DenseSettings.check(1, 1e-3, 0, 0, 0.01, 0, 0)).hasMessage("epochs must be positive; epochs=0");
    assertThatThrownBy(() -> DenseSettings.check(1, 1e-3, 0, 0, 0.01, 1, -1)).hasMessage("patience must be >= 0; patience=-1");
    assertThatThrownBy(() -> DenseSettings.checkDropout(1)).hasMessage("dropout must be in [0, 1); dropout=1.0");
    assertThatThrownBy(() -> DenseSettings.checkPlateauDecay(1.5)).hasMessage("plateauDecay must be in (0, 1]; plateauDecay=1.5");
    assertThatThrownBy(() -> DenseSettings.set("space", null)).hasMessage("space must be set; space=null");
  }

  @Test
  void layerSizesParseOrNameTheField() {
    assertThat(DenseSettings.layerSizes("hidden", " 400, 40 ", false)).containsExactly(400, 40);
    assertThat(DenseSettings.layerSizes("towerHidden", " ", true)).isEmpty();
    assertThatThrownBy(() -> DenseSettings.layerSizes("hidden", "", false))
        .hasMessage("hidden must be comma-separated positive layer sizes, at least one; hidden=");
    assertThatThrownBy(() -> DenseSettings.layerSizes("towerHidden", "8,0", true))
        .hasMessage("towerHidden must be comma-separated positive layer sizes (blank for none); towerHidden=8,0");
    assertThatThrownBy(() -> DenseSettings.layerSizes("hidden", null, true)).hasMessageContaining("hidden=null");
  }

  @Test
  void everyDenseConfigUsesTheSameChecks() {
    assertThatThrownBy(() -> new TrainSettings(8, 1e-3, 0, 0, 0, 0, 0.01, 1, -2, 1)).hasMessage("patience must be >= 0; patience=-2");
    assertThatThrownBy(() -> new DinConfig(4, "8", "8", DinActivation.DICE, "item", "", "history", 8, 1e-3, 0, -0.5, 0.01, 1, 0))
        .hasMessage("denseL2 must be >= 0 and finite; denseL2=-0.5");
    assertThatThrownBy(() -> new ClickConversionTraining.Settings(ClickConversionLoss.Space.ENTIRE, 8, 0, 0, 0, 0.01, 1, 0,
        ClickConversionTraining.EarlyStop.CVR)).hasMessage("learningRate must be positive and finite; learningRate=0.0");
  }
}
