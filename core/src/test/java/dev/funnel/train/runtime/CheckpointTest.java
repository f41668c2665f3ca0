package dev.funnel.train.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir
  Path dir;

  /** The toy SGD of HogwildTest with checkpoints; the worker crashes at epoch {@code crashAt} (0-based). */
  private static TrainingResult toy(float[] w, TrainingSchedule schedule, Checkpointing cp, int crashAt,
      Validator validator) {
    return Hogwild.train(schedule, (id, random) -> (epoch, batch, from, to) -> {
      if (epoch == crashAt) {
        throw new IllegalStateException("crash at epoch " + epoch);
      }
      double loss = 0;
      for (long e = from; e < to; e++) {
        int row = random.nextInt(w.length);
        float target = random.nextFloat();
        float err = w[row] - target;
        loss += err * err;
        w[row] -= 0.05f * err;
      }
      return loss;
    }, validator, Progress.NONE, cp, null, w);
  }

  @Test
  void resumeAfterACrashGivesTheUninterruptedWeightsBitForBit() {
    long seed = 77L;
    System.out.println("seed " + seed);
    TrainingSchedule schedule = TrainingSchedule.of(5, 3000, 100, 1, seed);
    float[] straight = new float[32];
    toy(straight, schedule, null, -1, null);

    Checkpointing cp = new Checkpointing(dir, 1, true);
    float[] w = new float[32];
    assertThatThrownBy(() -> toy(w, schedule, cp, 3, null)).isInstanceOf(TrainingException.class);
    float[] fresh = new float[32]; // a new process: the weights come from the checkpoint only
    TrainingResult r = toy(fresh, schedule, cp, -1, null);
    assertThat(fresh).isEqualTo(straight);
    assertThat(r.epochs()).isEqualTo(5);
  }

  @Test
  void earlyStoppingStateSurvivesAResume() {
    double[] metrics = {0.1, 0.3, 0.2, 0.25, 0.9, 0.9};
    TrainingSchedule schedule = new TrainingSchedule(6, 10, 10, 1, 3L, 1, 2);
    Checkpointing cp = new Checkpointing(dir, 1, true);
    float[] w = new float[3];
    boolean[] crash = {true};
    WorkerFactory epochWriter = (id, random) -> (epoch, batch, from, to) -> {
      if (epoch == 3 && crash[0]) {
        throw new IllegalStateException("crash");
      }
      Arrays.fill(w, epoch);
      return 1.0;
    };
    assertThatThrownBy(() -> Hogwild.train(schedule, epochWriter, epoch -> metrics[epoch], Progress.NONE, cp, null, w))
        .isInstanceOf(TrainingException.class);
    crash[0] = false;
    Arrays.fill(w, -1f); // a new process: the weights come from the checkpoint (epoch 2's)
    TrainingResult r = Hogwild.train(schedule, epochWriter, epoch -> metrics[epoch], Progress.NONE, cp, null, w);
    // Best was epoch 1 (0.3); epochs 2 and 3 fail to improve: stop after epoch 3 and restore epoch 1.
    assertThat(r.stoppedEarly()).isTrue();
    assertThat(r.epochs()).isEqualTo(4);
    assertThat(r.bestEpoch()).isEqualTo(1);
    assertThat(w).containsOnly(1f);
  }

  @Test
  void damagedOrForeignCheckpointsFailNamingTheFileAndField() throws IOException {
    TrainingSchedule schedule = TrainingSchedule.of(2, 500, 100, 1, 5L);
    Checkpointing cp = new Checkpointing(dir, 1, true);
    toy(new float[16], schedule, cp, -1, null);
    byte[] good = Files.readAllBytes(cp.file());

    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    Files.write(cp.file(), flipped);
    assertThatThrownBy(() -> toy(new float[16], schedule, cp, -1, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(cp.file().toString())
        .hasMessageContaining("field 'checksum'");

    Files.write(cp.file(), Arrays.copyOf(good, good.length - 20));
    assertThatThrownBy(() -> toy(new float[16], schedule, cp, -1, null))
        .hasMessageContaining("truncated");

    Files.write(cp.file(), good);
    assertThatThrownBy(() -> toy(new float[17], schedule, cp, -1, null))
        .hasMessageContaining("field 'weights[0]'").hasMessageContaining("16 floats but the model has 17");
    assertThatThrownBy(() -> toy(new float[16], TrainingSchedule.of(2, 500, 50, 1, 5L), cp, -1, null))
        .hasMessageContaining("field 'batchSize'").hasMessageContaining("checkpoint has 100 but this run has 50");

    Files.writeString(cp.file(), "hello, not a checkpoint");
    assertThatThrownBy(() -> toy(new float[16], schedule, cp, -1, null))
        .hasMessageContaining("field 'magic'");
  }

  @Test
  void withoutResumeAnExistingCheckpointIsOverwrittenNotRead() throws IOException {
    TrainingSchedule schedule = TrainingSchedule.of(2, 500, 100, 1, 5L);
    Files.writeString(dir.resolve(Checkpoint.FILE_NAME), "garbage");
    float[] w = new float[16];
    toy(w, schedule, new Checkpointing(dir, 2, false), -1, null);
    float[] again = new float[16];
    toy(again, schedule, new Checkpointing(dir, 2, true), -1, null); // resumes after the last epoch: no training
    assertThat(again).isEqualTo(w);
  }

  @Test
  void checkpointingNamesTheBadField() {
    assertThatThrownBy(() -> new Checkpointing(dir, 0, false)).hasMessage("every must be positive; every=0");
    assertThatThrownBy(() -> new Checkpointing(null, 1, false)).hasMessage("directory must be set; directory=null");
  }

  @Test
  void anUnwritableDirectoryIsAClearError() throws IOException {
    Path file = dir.resolve("plain-file");
    Files.writeString(file, "x");
    assertThatThrownBy(() -> toy(new float[4], TrainingSchedule.of(1, 10, 10, 1, 1L), new Checkpointing(file, 1, false),
        -1, null)).isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot write checkpoint");
  }
}
