package dev.funnel.recall.lightgcn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.recall.TrainContext;
import dev.funnel.util.Progress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LightGcnTrainingTest {
  private static LightGcnConfig config(int threads, int epochs) {
    return new LightGcnConfig(4, 2, epochs, 0.01, 1e-4, 4, 0.1, threads, 2, 0);
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
