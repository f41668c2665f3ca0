package dev.funnel.train.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.train.WorkerRandom;
import dev.funnel.util.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HogwildTest {
  /** A toy SGD: pull random rows of a table towards random targets; loss is the squared error. */
  private static float[] trainToy(long seed, int threads) {
    float[] w = new float[64];
    Hogwild.train(TrainingSchedule.of(3, 5000, 128, threads, seed), (id, random) -> (epoch, batch, from, to) -> {
      double loss = 0;
      for (long e = from; e < to; e++) {
        int row = random.nextInt(w.length);
        float target = random.nextFloat();
        float err = w[row] - target;
        loss += err * err;
        w[row] -= 0.05f * err;
      }
      return loss;
    }, null, Progress.NONE, w);
    return w;
  }

  @Test
  void singleThreadIsReproducibleBitForBit() {
    long seed = 1234L;
    System.out.println("seed " + seed);
    float[] a = trainToy(seed, 1);
    float[] b = trainToy(seed, 1);
    assertThat(b).isEqualTo(a);
    assertThat(trainToy(seed + 1, 1)).isNotEqualTo(a);
  }

  @Test
  void everyExampleIsVisitedOncePerEpochWithSeveralThreads() {
    AtomicLong seen = new AtomicLong();
    List<Integer> ids = new ArrayList<>();
    TrainingResult r = Hogwild.train(TrainingSchedule.of(4, 10_001, 100, 2, 7L), (id, random) -> {
      synchronized (ids) {
        ids.add(id);
      }
      return (epoch, batch, from, to) -> {
        seen.addAndGet(to - from);
        return to - from;
      };
    }, null, Progress.NONE);
    assertThat(seen.get()).isEqualTo(4 * 10_001L);
    assertThat(ids).containsExactlyInAnyOrder(0, 1);
    assertThat(r.epochs()).isEqualTo(4);
    assertThat(r.lastLoss()).isEqualTo(1.0);
  }

  @Test
  void nanLossIsRethrownWithEpochAndBatch() {
    for (int threads : new int[] {1, 2}) {
      BatchWorker worker = (epoch, batch, from, to) -> epoch == 1 && batch == 2 ? Double.NaN : 0.5;
      assertThatThrownBy(() -> Hogwild.train(TrainingSchedule.of(3, 1000, 100, threads, 1L), (id, r) -> worker, null,
          Progress.NONE))
          .as("threads %d", threads)
          .isInstanceOf(TrainingException.class)
          .hasMessageContaining("epoch 1, batch 2")
          .hasMessageContaining("NaN")
          .satisfies(e -> {
            assertThat(((TrainingException) e).epoch()).isEqualTo(1);
            assertThat(((TrainingException) e).batch()).isEqualTo(2);
          });
    }
    BatchWorker infinite = (epoch, batch, from, to) -> Double.POSITIVE_INFINITY;
    assertThatThrownBy(() -> Hogwild.train(TrainingSchedule.of(1, 10, 5, 1, 1L), (id, r) -> infinite, null,
        Progress.NONE)).hasMessageContaining("epoch 0, batch 0").hasMessageContaining("Infinity");
  }

  @Test
  void workerExceptionIsRethrownOnTheCallersThread() {
    for (int threads : new int[] {1, 2}) {
      IllegalStateException boom = new IllegalStateException("boom");
      BatchWorker worker = (epoch, batch, from, to) -> {
        if (epoch == 0 && batch == 5) {
          throw boom;
        }
        return 0;
      };
      assertThatThrownBy(() -> Hogwild.train(TrainingSchedule.of(2, 1000, 100, threads, 1L), (id, r) -> worker, null,
          Progress.NONE))
          .as("threads %d", threads)
          .isInstanceOf(TrainingException.class)
          .hasMessageContaining("epoch 0, batch 5")
          .hasMessageContaining("boom")
          .hasCause(boom);
    }
  }

  @Test
  void earlyStoppingKeepsTheBestWeights() {
    double[] metrics = {0.1, 0.3, 0.2, 0.25, 0.9, 0.9};
    float[] w = new float[3];
    List<String> lines = new ArrayList<>();
    Progress progress = Progress.summaries(lines::add);
    TrainingResult r = Hogwild.train(new TrainingSchedule(6, 10, 10, 1, 3L, 1, 2), (id, random) ->
        (epoch, batch, from, to) -> {
          java.util.Arrays.fill(w, epoch);
          return 1.0;
        }, epoch -> metrics[epoch], progress, w);
    assertThat(r.stoppedEarly()).isTrue();
    assertThat(r.epochs()).isEqualTo(4);
    assertThat(r.bestEpoch()).isEqualTo(1);
    assertThat(r.bestMetric()).isEqualTo(0.3);
    assertThat(w).containsOnly(1f);
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("epoch 1/6 loss 0.100000").contains("examples/s").contains("validation 0.10000");
    assertThat(lines.get(1)).contains("(best)");
    assertThat(lines.get(3)).contains("stopping");
  }

  @Test
  void scheduleNamesTheBadField() {
    assertThatThrownBy(() -> TrainingSchedule.of(0, 1, 1, 1, 1L)).hasMessage("epochs must be positive; epochs=0");
    assertThatThrownBy(() -> new TrainingSchedule(1, 1, 1, 1, 1L, 1, -1)).hasMessage("patience must be >= 0; patience=-1");
  }

  @Test
  void workerRandomStreamsDifferPerWorker() {
    assertThat(WorkerRandom.forWorker(5L, 0).nextLong()).isNotEqualTo(WorkerRandom.forWorker(5L, 1).nextLong());
  }
}
