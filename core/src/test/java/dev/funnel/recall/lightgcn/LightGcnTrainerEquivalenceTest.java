package dev.funnel.recall.lightgcn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.data.Interactions;
import dev.funnel.kernel.Kernels;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fused Horner backward with aligned tables ({@link LightGcnTrainer}) against the trainer it
 * replaced ({@link LightGcnTrainerBefore}) on a small random graph: same losses, gradients and
 * parameters after several Adam steps, up to float rounding.
 */
class LightGcnTrainerEquivalenceTest {
  private static final int USERS = 37;
  private static final int ITEMS = 53;
  private static final int DIM = 19; // not a multiple of the SIMD width: tails are exercised too

  private static Interactions randomGraph(Random rnd) {
    int[] ptr = new int[USERS + 1];
    int[] items = new int[USERS * ITEMS];
    int c = 0;
    for (int u = 0; u < USERS; u++) {
      for (int i = 0; i < ITEMS; i++) {
        if (u < USERS - 1 && rnd.nextInt(8) == 0) { // the last user is isolated
          items[c++] = i;
        }
      }
      ptr[u + 1] = c;
    }
    items = Arrays.copyOf(items, c);
    return new Interactions(USERS, ITEMS, ptr, items, new float[c], new long[c]);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void newTrainerMatchesTheOldOneStepByStep(int layers) {
    long seedValue = 7_000L + layers;
    System.out.println("LightGcnTrainerEquivalenceTest seed " + seedValue);
    Random rnd = new Random(seedValue);
    Interactions train = randomGraph(rnd);
    NormalizedGraph graph = new NormalizedGraph(train);
    float[] ego = new float[(USERS + ITEMS) * DIM];
    for (int x = 0; x < ego.length; x++) {
      ego[x] = (float) (rnd.nextGaussian() * 0.3);
    }
    float[] egoOld = ego.clone();
    try (RowPool pool = new RowPool(2)) {
      LightGcnTrainer now = new LightGcnTrainer(graph, DIM, layers, 1e-2, 0.01, ego, pool, Kernels.get());
      LightGcnTrainerBefore before = new LightGcnTrainerBefore(graph, DIM, layers, 1e-2, 0.01, egoOld, pool, Kernels.get());
      int batch = 24;
      int[] us = new int[batch];
      int[] is = new int[batch];
      int[] js = new int[batch];
      for (int step = 0; step < 12; step++) {
        for (int n = 0; n < batch; n++) {
          int u;
          do {
            u = rnd.nextInt(USERS);
          } while (train.userDegree(u) == 0);
          int[] held = train.itemsOf(u);
          us[n] = u;
          is[n] = held[rnd.nextInt(held.length)];
          int j;
          do {
            j = rnd.nextInt(ITEMS);
          } while (Arrays.binarySearch(held, j) >= 0);
          js[n] = j;
        }
        String at = "layers " + layers + " step " + step + " seed " + seedValue;
        if (step == 7) { // parameters rewritten from outside, as a resumed checkpoint does
          for (int p = 0; p < ego.length; p++) {
            now.ego[p] = before.ego[p] = (float) (rnd.nextGaussian() * 0.3);
          }
          now.parametersChanged();
        }
        if (step % 3 == 0) {
          double a = now.lossAndGradient(us, is, js, 0, batch);
          double b = before.lossAndGradient(us, is, js, 0, batch);
          assertThat(a).as("loss, " + at).isCloseTo(b, within(1e-6 * Math.abs(b) + 1e-7));
          float[] ga = now.gradient();
          float[] gb = before.gradient();
          for (int p = 0; p < ga.length; p++) {
            assertThat((double) ga[p]).as("gradient %d, %s", p, at).isCloseTo(gb[p], within(1e-5 * Math.abs(gb[p]) + 1e-8));
          }
        }
        double a = now.step(us, is, js, 0, batch);
        double b = before.step(us, is, js, 0, batch);
        assertThat(a).as("step loss, " + at).isCloseTo(b, within(1e-5 * Math.abs(b) + 1e-7));
        for (int p = 0; p < ego.length; p++) {
          // Adam's first steps move a weight by ~lr * sign(g): rounding in a tiny g can flip that,
          // so weights are compared to a fraction of the learning rate.
          assertThat((double) now.ego[p]).as("weight %d, %s", p, at).isCloseTo(before.ego[p], within(1e-4));
        }
      }
      float[] ra = now.readout();
      float[] rb = before.readout();
      for (int p = 0; p < ra.length; p++) {
        assertThat((double) ra[p]).as("readout %d", p).isCloseTo(rb[p], within(1e-5));
      }
    }
  }

  /** The parameter table as LightGcn lays it out (rows from EGO_OFFSET) trains bit for bit as one from 0. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void aTableOffsetChangesNoBit(int layers) {
    long seedValue = 7_100L + layers;
    System.out.println("LightGcnTrainerEquivalenceTest offset seed " + seedValue);
    Random rnd = new Random(seedValue);
    Interactions train = randomGraph(rnd);
    NormalizedGraph graph = new NormalizedGraph(train);
    int off = LightGcnTrainer.EGO_OFFSET;
    float[] plain = new float[(USERS + ITEMS) * DIM];
    float[] padded = new float[off + plain.length];
    for (int x = 0; x < plain.length; x++) {
      plain[x] = padded[off + x] = (float) (rnd.nextGaussian() * 0.3);
    }
    try (RowPool pool = new RowPool(2)) {
      LightGcnTrainer a = new LightGcnTrainer(graph, DIM, layers, 1e-2, 0.01, plain, pool, Kernels.get());
      LightGcnTrainer b = new LightGcnTrainer(graph, DIM, layers, 1e-2, 0.01, padded, off, pool, Kernels.get());
      int batch = 24;
      int[] us = new int[batch];
      int[] is = new int[batch];
      int[] js = new int[batch];
      for (int step = 0; step < 6; step++) {
        for (int n = 0; n < batch; n++) {
          int u;
          do {
            u = rnd.nextInt(USERS);
          } while (train.userDegree(u) == 0);
          int[] held = train.itemsOf(u);
          us[n] = u;
          is[n] = held[rnd.nextInt(held.length)];
          int j;
          do {
            j = rnd.nextInt(ITEMS);
          } while (Arrays.binarySearch(held, j) >= 0);
          js[n] = j;
        }
        String at = "layers " + layers + " step " + step + " seed " + seedValue;
        assertThat(b.lossAndGradient(us, is, js, 0, batch)).as("loss, " + at).isEqualTo(a.lossAndGradient(us, is, js, 0, batch));
        assertThat(b.gradient()).as("gradient, " + at).containsExactly(a.gradient());
        assertThat(b.step(us, is, js, 0, batch)).as("step loss, " + at).isEqualTo(a.step(us, is, js, 0, batch));
        assertThat(Arrays.copyOfRange(padded, off, padded.length)).as("weights, " + at).containsExactly(plain);
        assertThat(padded).as("the offset's floats stay untouched").startsWith(new float[off]);
      }
      assertThat(b.readout()).containsExactly(a.readout());
    }
  }
}
