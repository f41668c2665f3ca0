package dev.funnel.recall.item2vec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.util.Progress;
import org.junit.jupiter.api.Test;

class WalkGraphTest {
  @Test
  void edgesAreCoOccurrenceCountsAndStepsFollowTheWeights() {
    // users: {0,1,2}, {0,1}, {0,1}, {0,2}: from item 0, item 1 co-occurs 3 times and item 2 twice.
    EventTable events = new EventTable();
    int[][] baskets = {{0, 1, 2}, {0, 1}, {0, 1}, {0, 2}};
    for (int u = 0; u < baskets.length; u++) {
      for (int i : baskets[u]) {
        events.add("u" + u, "i" + i, 0, EventTable.DEFAULT_TYPE, 1f);
      }
    }
    Interactions train = events.toInteractions(DuplicatePolicy.MAX);
    WalkGraph graph = WalkGraph.build(train, 10, new TrainContext(1, 1L, Progress.NONE));
    assertThat(graph.degree(0)).isEqualTo(2);
    assertThat(graph.degree(2)).isEqualTo(2);
    long seed = 11L;
    System.out.println("seed " + seed);
    WorkerRandom random = new WorkerRandom(seed);
    int n = 200_000;
    int toOne = 0;
    for (int s = 0; s < n; s++) {
      int next = graph.step(0, random);
      assertThat(next).isIn(1, 2);
      if (next == 1) {
        toOne++;
      }
    }
    // P(0 -> 1) = 3 / (3 + 2); the binomial standard deviation at n = 200k is about 0.0011.
    assertThat(toOne / (double) n).isCloseTo(0.6, within(0.006));
  }

  @Test
  void aliasTablesReproduceSkewedWeightsAndWalksStopAtDeadEnds() {
    float[] weights = {1f, 2f, 3f, 10f};
    WalkGraph graph = WalkGraph.of(new int[][] {{1, 2, 3, 4}, {}, {}, {}, {}}, new float[][] {weights, {}, {}, {}, {}});
    long seed = 3L;
    System.out.println("seed " + seed);
    WorkerRandom random = new WorkerRandom(seed);
    int n = 320_000;
    int[] hits = new int[5];
    for (int s = 0; s < n; s++) {
      hits[graph.step(0, random)]++;
    }
    for (int k = 0; k < 4; k++) {
      assertThat(hits[k + 1] / (double) n).as("target %d", k + 1).isCloseTo(weights[k] / 16.0, within(0.005));
    }
    int[] walk = new int[8];
    int length = graph.walk(0, 8, random, walk);
    assertThat(length).as("0 -> a dead end").isEqualTo(2);
    assertThat(walk[0]).isZero();
    assertThat(graph.step(1, random)).isEqualTo(-1);
  }
}
