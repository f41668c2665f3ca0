package dev.funnel.recall.lightgcn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.recall.TrainContext;
import dev.funnel.util.Progress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LightGcnTrainingTest {
  private static LightGcnConfig config(int threads, int epochs) {
    return decaying(threads, epochs, 0, 0.1);
  }

  private static LightGcnConfig decaying(int threads, int epochs, int lrDecayEpoch, double lrDecayFactor) {
    return new LightGcnConfig(4, 2, epochs, 0.01, 1e-4, 4, 0.1, threads, 2, 0, lrDecayEpoch, lrDecayFactor);
  }

  private static LightGcnModel fit(LightGcnConfig config) {
    return LightGcn.fit(LightGcnGradientTest.fixture(), config, new TrainContext(1, 3L, Progress.NONE), null).model();
  }

  /**
   * The one-step decay applies from the 0-based epoch {@code lrDecayEpoch} on: the epochs before it train
   * exactly as without it, a factor of 1 changes nothing, and a factor of 0.1 changes the later epochs.
   */
  @Test
  void learningRateDecaysOnceAfterItsEpoch() {
    LightGcnConfig c = decaying(1, 4, 2, 0.1);
    assertThat(c.learningRate(0)).isEqualTo(0.01);
    assertThat(c.learningRate(1)).isEqualTo(0.01);
    assertThat(c.learningRate(2)).isEqualTo(0.01 * 0.1);
    assertThat(c.learningRate(3)).isEqualTo(0.01 * 0.1);
    assertThat(config(1, 4).learningRate(3)).isEqualTo(0.01);

    LightGcnModel plain2 = fit(config(1, 2));
    LightGcnModel decayed2 = fit(decaying(1, 2, 2, 0.1));
    assertThat(decayed2.userVectors()).containsExactly(plain2.userVectors());
    LightGcnModel plain4 = fit(config(1, 4));
    assertThat(fit(decaying(1, 4, 2, 1.0)).itemVectors()).containsExactly(plain4.itemVectors());
    LightGcnModel decayed4 = fit(decaying(1, 4, 2, 0.1));
    assertThat(decayed4.itemVectors()).isNotEqualTo(plain4.itemVectors());
  }

  @Test
  void badDecaySettingsNameTheFieldAndTheValue() {
    assertThatThrownBy(() -> decaying(1, 4, -1, 0.1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lrDecayEpoch=-1");
    assertThatThrownBy(() -> decaying(1, 4, 2, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lrDecayFactor=0.0");
    assertThatThrownBy(() -> decaying(1, 4, 2, 1.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lrDecayFactor=1.5");
  }

  /** Every product pulls rows (no cross-thread sums) and the loss is summed in order: any thread count gives the same bits. */
  @Test
  void trainingIsReproducibleBitForBitWhateverTheThreadCount() {
    var train = LightGcnGradientTest.fixture();
    LightGcnModel one = LightGcn.fit(train, config(1, 6), new TrainContext(1, 3L, Progress.NONE), null).model();
    LightGcnModel two = LightGcn.fit(train, config(2, 6), new TrainContext(2, 3L, Progress.NONE), null).model();
    assertThat(two.userVectors()).containsExactly(one.userVectors());
    assertThat(two.itemVectors()).containsExactly(one.itemVectors());
    LightGcnModel otherSeed = LightGcn.fit(train, config(1, 6), new TrainContext(1, 4L, Progress.NONE), null).model();
    assertThat(otherSeed.userVectors()).isNotEqualTo(one.userVectors());
  }

  @Test
  void validatorSeesTheCurrentModelAndTheBestWeightsAreKept() {
    var train = LightGcnGradientTest.fixture();
    List<Double> seen = new ArrayList<>();
    // A validator that prefers the first validation: the model of epoch 2 must be the one returned.
    LightGcn.Fit fit = LightGcn.fit(train, config(1, 6), new TrainContext(1, 3L, Progress.NONE), model -> {
      double v = seen.isEmpty() ? 1.0 : 0.0;
      seen.add((double) model.userVectors()[0]);
      return v;
    });
    assertThat(seen).hasSize(3); // after epochs 2, 4 and 6
    assertThat(seen.get(0)).isNotEqualTo(seen.get(2));
    assertThat(fit.result().bestEpoch()).isEqualTo(1);
    assertThat((double) fit.model().userVectors()[0]).isEqualTo(seen.get(0));
  }
}
