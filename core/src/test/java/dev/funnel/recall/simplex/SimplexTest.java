package dev.funnel.recall.simplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.config.Params;
import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimplexTest {
  /** Random users over 40 items where user u likes items of its cluster (u % 4) mostly. */
  static Interactions clustered(long seed) {
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

  static SimplexConfig small(int threads, double gamma) {
    return Params.bind(SimplexConfig.defaults(), Map.of("dim", "8", "epochs", "15", "learningRate", "0.01",
        "negatives", "20", "margin", "0.4", "negativeWeight", "5", "gamma", String.valueOf(gamma), "initStd", "0.1",
        "batchSize", "32", "threads", String.valueOf(threads)));
  }

  @Test
  void singleThreadTrainingIsReproducibleBitForBit() {
    long seed = 31L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed);
    Simplex simplex = new Simplex();
    SimplexModel a = (SimplexModel) simplex.train(data, small(1, 0.5), new TrainContext(2, seed, Progress.NONE));
    SimplexModel b = (SimplexModel) simplex.train(data, small(1, 0.5), new TrainContext(2, seed, Progress.NONE));
    assertThat(b.userVectors()).isEqualTo(a.userVectors());
    assertThat(b.itemVectors()).isEqualTo(a.itemVectors());
    SimplexModel c = (SimplexModel) simplex.train(data, small(1, 0.5), new TrainContext(2, seed + 1, Progress.NONE));
    assertThat(c.itemVectors()).isNotEqualTo(a.itemVectors());
  }

  @Test
  void learnsTheClustersWithTwoThreadsWithAndWithoutTheHistoryTower() {
    long seed = 5L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed);
    for (double gamma : new double[] {0.5, 1.0}) {
      List<String> lines = new ArrayList<>();
      Progress progress = Progress.summaries(lines::add);
      SimplexModel model = (SimplexModel) new Simplex().train(data, small(1, gamma), new TrainContext(2, seed, progress));
      assertThat(lines).hasSize(15);
      assertThat(lines.get(14)).startsWith("epoch 15/15 loss ");
      // unit vectors: the score is the cosine
      float[] users = model.userVectors();
      double norm = 0;
      for (int d = 0; d < 8; d++) {
        norm += users[d] * users[d];
      }
      assertThat(norm).isBetween(0.999, 1.001);
      double share = inClusterShare(model, data);
      System.out.printf("gamma %.1f: in-cluster above out-of-cluster for %.3f of pairs%n", gamma, share);
      assertThat(share).as("gamma %s", gamma).isGreaterThan(0.9);
    }
  }

  @Test
  void learnsTheClustersWithDrawnHistoriesAndDenseAdam() {
    long seed = 7L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed);
    SimplexConfig config = Params.bind(small(1, 0.5), Map.of("historySample", "3", "denseAdam", "true"));
    SimplexModel model = (SimplexModel) new Simplex().train(data, config, new TrainContext(2, seed, Progress.NONE));
    double share = inClusterShare(model, data);
    System.out.printf("historySample 3, dense Adam: in-cluster above out-of-cluster for %.3f of pairs%n", share);
    assertThat(share).isGreaterThan(0.9);
  }

  /** Of the (in-cluster, out-of-cluster) item pairs of every user, the share the model orders right. */
  static double inClusterShare(SimplexModel model, Interactions data) {
    int hits = 0;
    int total = 0;
    float[] scores = new float[40];
    for (int u = 0; u < data.numUsers(); u++) {
      model.scoreUser(u, scores);
      int cluster = data.itemsOf(u).length == 0 ? -1 : dominant(data.itemsOf(u));
      for (int in = 0; in < 40; in++) {
        for (int out = 0; out < 40; out++) {
          if (in / 10 == cluster && out / 10 != cluster) {
            total++;
            hits += scores[in] > scores[out] ? 1 : 0;
          }
        }
      }
    }
    return hits / (double) total;
  }

  private static int dominant(int[] items) {
    int[] count = new int[4];
    for (int i : items) {
      count[i / 10]++;
    }
    int best = 0;
    for (int c = 1; c < 4; c++) {
      if (count[c] > count[best]) {
        best = c;
      }
    }
    return best;
  }

  @Test
  void savedModelScoresTheSame() throws Exception {
    Interactions data = clustered(3L);
    Simplex simplex = new Simplex();
    SimplexConfig config = small(1, 0.5);
    byte[] bytes = assertRoundTripScoresTheSame(data, config);
    SimplexConfig otherDim = Params.bind(config, Map.of("dim", "4"));
    assertThatThrownBy(() -> simplex.read(new DataInputStream(new ByteArrayInputStream(bytes)), otherDim,
        data)).hasMessageContaining("dim=8 (config 4)");
  }

  @Test
  void isRegistered() {
    assertThat(Registry.recall("simplex")).isInstanceOf(Simplex.class);
  }

  @Test
  void configNamesTheBadField() {
    assertThatThrownBy(() -> Params.bind(SimplexConfig.defaults(), Map.of("gamma", "1.5")))
        .hasMessageContaining("gamma must be in [0, 1]; gamma=1.5");
    assertThatThrownBy(() -> Params.bind(SimplexConfig.defaults(), Map.of("dropout", "1")))
        .hasMessageContaining("dropout=1.0");
    assertThatThrownBy(() -> Params.bind(SimplexConfig.defaults(), Map.of("negatives", "0")))
        .hasMessageContaining("negatives must be positive; negatives=0");
    assertThatThrownBy(() -> Params.bind(SimplexConfig.defaults(), Map.of("margin", "2")))
        .hasMessageContaining("margin must be in [-1, 1]; margin=2.0");
    assertThatThrownBy(() -> Params.bind(SimplexConfig.defaults(), Map.of("historySample", "-1")))
        .hasMessageContaining("historySample must be >= 0 (0: the whole history); historySample=-1");
    assertThatThrownBy(() -> Params.bind(SimplexConfig.defaults(), Map.of("clipNorm", "-1")))
        .hasMessageContaining("clipNorm must be >= 0 and finite (0: off); clipNorm=-1.0");
    assertThatThrownBy(() -> Params.bind(SimplexConfig.defaults(), Map.of("lrDecayEpoch", "-2")))
        .hasMessageContaining("lrDecayEpoch must be >= 0 (0: never); lrDecayEpoch=-2");
    assertThatThrownBy(() -> Params.bind(SimplexConfig.defaults(), Map.of("lrDecayFactor", "0")))
        .hasMessageContaining("lrDecayFactor must be in (0, 1]; lrDecayFactor=0.0");
  }

  /** An epoch order is a permutation, the same for every worker of an epoch, another one the next epoch. */
  @Test
  void epochOrderIsASharedPermutationPerEpoch() {
    Simplex.EpochOrder a = new Simplex.EpochOrder(1000, 42L);
    Simplex.EpochOrder b = new Simplex.EpochOrder(1000, 42L);
    int[] first = a.of(0).clone();
    assertThat(b.of(0)).isEqualTo(first);
    int[] sorted = first.clone();
    java.util.Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertThat(sorted[i]).isEqualTo(i);
    }
    assertThat(a.of(1)).isNotEqualTo(first);
    assertThat(a.of(0)).isEqualTo(first);
  }

  /** The reference's options together (own history table, clipping, dropout after the norm, decay) still learn. */
  @Test
  void learnsTheClustersWithTheReferenceOptions() {
    long seed = 8L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed);
    List<String> lines = new ArrayList<>();
    Progress progress = Progress.summaries(lines::add);
    for (String perExample : new String[] {"false", "true"}) {
      SimplexConfig config = Params.bind(small(1, 0.8), Map.of("historyTable", "true", "clipNorm", "1",
          "dropoutAfterNorm", "true", "denseAdam", "true", "lrDecayEpoch", "1", "lrDecayFactor", "0.5",
          "perExampleNegatives", perExample, "shuffledEpochs", "true"));
      SimplexModel model = (SimplexModel) new Simplex().train(data, config, new TrainContext(2, seed, progress));
      double share = inClusterShare(model, data);
      System.out.printf("reference options, per-example negatives %s: in-cluster above out-of-cluster for %.3f%n",
          perExample, share);
      assertThat(share).isGreaterThan(0.9);
    }
    assertThat(lines).filteredOn(l -> l.startsWith("learning rate")).hasSize(2);
  }

  /**
   * Trains on {@code data} with one thread, writes the payload, reads it back and asserts every user's
   * scores are equal; returns the payload.
   */
  static byte[] assertRoundTripScoresTheSame(Interactions data, SimplexConfig config) throws IOException {
    Simplex simplex = new Simplex();
    RecallModel model = simplex.train(data, config, new TrainContext(1, 3L, Progress.NONE));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    model.writePayload(new DataOutputStream(bytes));
    RecallModel back = simplex.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), config, data);
    float[] a = new float[data.numItems()];
    float[] b = new float[data.numItems()];
    for (int u = 0; u < data.numUsers(); u++) {
      model.scoreUser(u, a);
      back.scoreUser(u, b);
      assertThat(b).isEqualTo(a);
    }
    return bytes.toByteArray();
  }
}
