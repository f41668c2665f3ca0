package dev.funnel.recall.mf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.train.optim.OptimizerKind;
import dev.funnel.util.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MfBprTest {
  /** Random users over 40 items where user u likes items of its cluster (u % 4) mostly. */
  private static Interactions clustered(long seed) {
    Random random = new Random(seed);
    EventTable events = new EventTable();
    for (int i = 0; i < 40; i++) {
      events.items().getOrAdd("i" + i); // dense item id = i
    }
    for (int u = 0; u < 200; u++) {
      for (int n = 0; n < 6; n++) {
        int item = random.nextInt(10) < 9 ? (u % 4) * 10 + random.nextInt(10) : random.nextInt(40);
        events.add("u" + u, "i" + item, n, EventTable.DEFAULT_TYPE, 1f);
      }
    }
    return events.toInteractions(DuplicatePolicy.MAX);
  }

  private static MfBprConfig small(int threads, boolean bias, OptimizerKind kind) {
    return new MfBprConfig(8, 20, kind == OptimizerKind.SGD ? 0.05 : 0.02, kind, 1e-4, 2, bias, 0.1, 64, threads);
  }

  @Test
  void singleThreadTrainingIsReproducibleBitForBit() {
    long seed = 99L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed);
    MfBpr mf = new MfBpr();
    for (OptimizerKind kind : OptimizerKind.values()) {
      MfBprModel a = (MfBprModel) mf.train(data, small(1, true, kind), new TrainContext(2, seed, Progress.NONE));
      MfBprModel b = (MfBprModel) mf.train(data, small(1, true, kind), new TrainContext(2, seed, Progress.NONE));
      assertThat(b.userVectors()).as("%s", kind).isEqualTo(a.userVectors());
      assertThat(b.itemVectors()).as("%s", kind).isEqualTo(a.itemVectors());
      assertThat(b.itemBias()).as("%s", kind).isEqualTo(a.itemBias());
      MfBprModel c = (MfBprModel) mf.train(data, small(1, true, kind), new TrainContext(2, seed + 1, Progress.NONE));
      assertThat(c.itemVectors()).isNotEqualTo(a.itemVectors());
    }
  }

  @Test
  void learnsTheClustersWithTwoThreadsAndLogsEachEpoch() {
    long seed = 5L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed);
    List<String> lines = new ArrayList<>();
    Progress progress = Progress.summaries(lines::add);
    MfBprModel model = (MfBprModel) new MfBpr().train(data, small(2, false, OptimizerKind.ADAM),
        new TrainContext(2, seed, progress));
    assertThat(lines).hasSize(20);
    assertThat(lines.get(19)).startsWith("epoch 20/20 loss ").contains("examples/s");
    assertThat(model.itemBias()).isNull();
    // in-cluster unseen items score above out-of-cluster items for most users
    int hits = 0;
    float[] scores = new float[data.numItems()];
    for (int u = 0; u < data.numUsers(); u++) {
      int user = u;
      model.scoreUser(u, scores);
      int cluster = u % 4;
      int best = model.recommend(u, 1, item -> !data.contains(user, item)).item(0);
      hits += best / 10 == cluster ? 1 : 0;
    }
    assertThat(hits).as("users whose top unseen item is in their cluster").isGreaterThan(180);
    assertThat(model.userVectors()).hasSize(data.numUsers() * 8);
    assertThat(model.itemVectors()).hasSize(data.numItems() * 8);
  }

  @Test
  void sharedNegativeMiniBatchesLearnTheClustersAndAreReproducibleWithOneThread() {
    long seed = 17L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed);
    MfBprConfig config = new MfBprConfig(8, 30, 0.1, OptimizerKind.ADAGRAD, 1e-4, 8, true, 0.1, 32, 1, true, true,
        true);
    MfBprModel model = (MfBprModel) new MfBpr().train(data, config, new TrainContext(1, seed, Progress.NONE));
    int hits = 0;
    for (int u = 0; u < data.numUsers(); u++) {
      int user = u;
      int best = model.recommend(u, 1, item -> !data.contains(user, item)).item(0);
      hits += best / 10 == u % 4 ? 1 : 0;
    }
    assertThat(hits).as("users whose top unseen item is in their cluster").isGreaterThan(180);
    MfBprModel again = (MfBprModel) new MfBpr().train(data, config, new TrainContext(1, seed, Progress.NONE));
    assertThat(again.itemVectors()).isEqualTo(model.itemVectors());
    assertThat(again.itemBias()).isEqualTo(model.itemBias());
  }

  @Test
  void denseAdamWithPerExampleNegativesAndDecayLearnsTheClustersReproducibly() {
    long seed = 1627L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed);
    for (boolean exampleNegatives : new boolean[] {false, true}) {
      // dense Adam, L2 through Adam at every batch, lr x0.1 from epoch 25
      MfBprConfig config = new MfBprConfig(8, 30, 0.02, OptimizerKind.ADAM, 1e-4, 8, false, 0.1, 32, 1, true, true,
          true, true, 25, exampleNegatives);
      MfBprModel model = (MfBprModel) new MfBpr().train(data, config, new TrainContext(1, seed, Progress.NONE));
      int hits = 0;
      for (int u = 0; u < data.numUsers(); u++) {
        int user = u;
        int best = model.recommend(u, 1, item -> !data.contains(user, item)).item(0);
        hits += best / 10 == u % 4 ? 1 : 0;
      }
      assertThat(hits).as("users whose top unseen item is in their cluster, exampleNegatives=%s", exampleNegatives)
          .isGreaterThan(180);
      MfBprModel again = (MfBprModel) new MfBpr().train(data, config, new TrainContext(1, seed, Progress.NONE));
      assertThat(again.itemVectors()).isEqualTo(model.itemVectors());
      assertThat(again.userVectors()).isEqualTo(model.userVectors());
    }
  }

  @Test
  void denseAdamAndDecaySettingsNameTheBadField() {
    assertThatThrownBy(() -> new MfBprConfig(8, 1, 0.1, OptimizerKind.ADAGRAD, 0, 1, false, 0.1, 1, 0, true, true,
        false, true, 0, false))
        .hasMessage("denseAdam needs sharedNegatives and optimizer ADAM; denseAdam=true, sharedNegatives=true,"
            + " optimizer=ADAGRAD");
    assertThatThrownBy(() -> new MfBprConfig(8, 1, 0.1, OptimizerKind.ADAM, 0, 1, false, 0.1, 1, 0, true, true,
        false, true, -1, false))
        .hasMessage("lrDecayEpoch must be >= 0; lrDecayEpoch=-1");
    assertThatThrownBy(() -> new MfBprConfig(8, 1, 0.1, OptimizerKind.ADAM, 0, 1, false, 0.1, 1, 0, false, true,
        false, false, 3, false))
        .hasMessage("lrDecayEpoch needs sharedNegatives; lrDecayEpoch=3, sharedNegatives=false");
    MfBprConfig decayed = new MfBprConfig(8, 1, 0.1, OptimizerKind.ADAM, 0, 1, false, 0.1, 1, 0, true, true, false,
        true, 3, false);
    assertThat(decayed.learningRateAt(2)).isEqualTo(0.1);
    assertThat(decayed.learningRateAt(3)).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void registeredAndConfigNamesTheBadField() {
    assertThat(Registry.recall("mfbpr")).isInstanceOf(MfBpr.class);
    assertThatThrownBy(() -> new MfBprConfig(0, 1, 0.1, OptimizerKind.ADAM, 0, 1, false, 0.1, 1, 0))
        .hasMessage("dim must be positive; dim=0");
    assertThatThrownBy(() -> new MfBprConfig(8, 1, -1, OptimizerKind.ADAM, 0, 1, false, 0.1, 1, 0))
        .hasMessage("learningRate must be positive and finite; learningRate=-1.0");
    assertThatThrownBy(() -> new MfBprConfig(8, 1, 0.1, OptimizerKind.ADAM, 0, 0, false, 0.1, 1, 0))
        .hasMessage("negatives must be positive; negatives=0");
  }
}
