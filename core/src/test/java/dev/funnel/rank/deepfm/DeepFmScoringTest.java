package dev.funnel.rank.deepfm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.config.Params;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.Synthetic;
import dev.funnel.recall.TrainContext;
import dev.funnel.util.Progress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Multithreaded scoring gives the single-thread scores (each row's forward does not depend on which
 * part or block it falls in), for batch sizes around the per-thread minimum and the block size, and a
 * 2-thread fit is reproducible. Equal up to 1e-6, not bit for bit: the Vector API's lane reductions
 * may add in another order before and after the JIT compiles them, so two threads running the same
 * code at different compile stages can differ in the last bit (seen once in a full CI run).
 */
class DeepFmScoringTest {
  @Test
  void scoresDoNotDependOnTheThreadCount() {
    long seed = 21L;
    System.out.println("DeepFmScoringTest seed=" + seed);
    SampleBatch train = Synthetic.batch(3000, true, seed);
    DeepFmConfig config = Params.bind(DeepFmConfig.defaults(),
        Map.of("dim", "4", "hidden", "33,17", "batchSize", "256", "learningRate", "0.01", "epochs", "2", "patience", "0"));
    DeepFmModel model = new DeepFm().fit(config, train, null, new TrainContext(2, seed, Progress.NONE));
    DeepFmModel again = new DeepFm().fit(config, train, null, new TrainContext(2, seed, Progress.NONE));
    for (int n : new int[] {1, 127, 256, 500, DeepFmModel.SCORE_BLOCK + 3, 2 * DeepFmModel.SCORE_BLOCK + 777}) {
      SampleBatch test = Synthetic.batch(n, true, seed + n);
      float[] one = new float[n];
      float[] two = new float[n];
      float[] three = new float[n];
      model.score(test, one, 1);
      model.score(test, two, 2);
      model.score(test, three, 3);
      assertThat(two).as("2 threads, n=%d", n).containsExactly(one, within(1e-6f));
      assertThat(three).as("3 threads, n=%d", n).containsExactly(one, within(1e-6f));
      assertThat(model.score(test)).as("default threads, n=%d", n).containsExactly(one, within(1e-6f));
      assertThat(again.score(test)).as("a second 2-thread fit, n=%d", n).containsExactly(one, within(1e-6f));
      for (float p : one) {
        assertThat(p).isStrictlyBetween(0f, 1f);
      }
    }
    assertThatThrownBy(() -> model.score(Synthetic.batch(3, true, 1), new float[3], 0)).hasMessageContaining("threads=0");
  }
}
