package dev.funnel.recall.mf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.optim.OptimizerKind;
import dev.funnel.train.runtime.Checkpointing;
import dev.funnel.util.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Checkpoint and resume of MF-BPR: an interrupted single-thread run resumes to the same bits. */
class MfBprResumeTest {
  @TempDir
  Path dir;

  private static Interactions data(long seed) {
    Random random = new Random(seed);
    EventTable events = new EventTable();
    for (int u = 0; u < 120; u++) {
      for (int n = 0; n < 5; n++) {
        events.add("u" + u, "i" + ((u % 3) * 10 + random.nextInt(12)), n, EventTable.DEFAULT_TYPE, 1f);
      }
    }
    return events.toInteractions(DuplicatePolicy.MAX);
  }

  private static MfBprConfig config(OptimizerKind kind, int epochs) {
    return new MfBprConfig(8, epochs, 0.05, kind, 1e-3, 3, true, 0.1, 50, 1);
  }

  /** Throws from the progress line of epoch {@code crashAt} (1-based), after that epoch's checkpoint. */
  private static Progress crashingAfter(int crashAt) {
    return new Progress() {
      int finished;

      @Override
      public void start(String task, long total) {}

      @Override
      public void advance(long steps) {}

      @Override
      public void finish(String summary) {
        if (++finished == crashAt) {
          throw new IllegalStateException("simulated crash after epoch " + crashAt);
        }
      }
    };
  }

  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void interruptedRunResumesToTheSameWeightsBitForBit(OptimizerKind kind) {
    long seed = 2024L;
    System.out.println("seed " + seed + " optimizer " + kind);
    Interactions data = data(seed);
    MfBpr mf = new MfBpr();
    MfBprModel straight = (MfBprModel) mf.train(data, config(kind, 7), new TrainContext(1, seed, Progress.NONE));

    // Checkpoint every 2 epochs; crash after epoch 5, so the last checkpoint is epoch 4's and epoch 5 is redone.
    Checkpointing cp = new Checkpointing(dir.resolve(kind.name()), 2, true);
    TrainContext crashing = new TrainContext(1, seed, crashingAfter(5), cp);
    assertThatThrownBy(() -> mf.train(data, config(kind, 7), crashing)).hasMessageContaining("simulated crash");
    assertThat(Files.exists(cp.file())).isTrue();
    assertThat(Files.exists(cp.directory().resolve("checkpoint.bin.tmp"))).as("no temp file left").isFalse();

    MfBprModel resumed = (MfBprModel) mf.train(data, config(kind, 7), new TrainContext(1, seed, Progress.NONE, cp));
    assertThat(resumed.userVectors()).isEqualTo(straight.userVectors());
    assertThat(resumed.itemVectors()).isEqualTo(straight.itemVectors());
    assertThat(resumed.itemBias()).isEqualTo(straight.itemBias());
  }

  @ParameterizedTest
  @EnumSource(value = OptimizerKind.class, names = "ADAGRAD")
  void resumeWithoutACheckpointStartsFreshAndAFinishedRunCanBeExtended(OptimizerKind kind) {
    long seed = 7L;
    Interactions data = data(seed);
    MfBpr mf = new MfBpr();
    Checkpointing cp = new Checkpointing(dir.resolve("x"), 3, true);
    MfBprModel fresh = (MfBprModel) mf.train(data, config(kind, 4), new TrainContext(1, seed, Progress.NONE, cp));
    MfBprModel plain = (MfBprModel) mf.train(data, config(kind, 4), new TrainContext(1, seed, Progress.NONE));
    assertThat(fresh.itemVectors()).isEqualTo(plain.itemVectors());
    // The final checkpoint (epoch 4) lets a longer schedule continue: 4 + 2 epochs == 6 straight.
    MfBprModel extended = (MfBprModel) mf.train(data, config(kind, 6), new TrainContext(1, seed, Progress.NONE, cp));
    MfBprModel six = (MfBprModel) mf.train(data, config(kind, 6), new TrainContext(1, seed, Progress.NONE));
    assertThat(extended.itemVectors()).isEqualTo(six.itemVectors());
  }

  @ParameterizedTest
  @EnumSource(value = OptimizerKind.class, names = "ADAM")
  void resumeRefusesAnotherSeedOrOptimizerNamingTheField(OptimizerKind kind) {
    Interactions data = data(3L);
    MfBpr mf = new MfBpr();
    Checkpointing cp = new Checkpointing(dir.resolve("y"), 1, true);
    mf.train(data, config(kind, 2), new TrainContext(1, 3L, Progress.NONE, cp));
    assertThatThrownBy(() -> mf.train(data, config(kind, 3), new TrainContext(1, 4L, Progress.NONE, cp)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(cp.file().toString())
        .hasMessageContaining("field 'seed'");
    assertThatThrownBy(() -> mf.train(data, config(OptimizerKind.SGD, 3), new TrainContext(1, 3L, Progress.NONE, cp)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ADAM");
  }
}
