package dev.funnel.recall.item2vec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.data.ItemFeatures;
import dev.funnel.train.WorkerRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference check of the EGES layer: for J = c . H_v with a fixed c, a backward pass with the
 * ascent step {@code dh = eps * c} must move every parameter by {@code eps * dJ/dparam}.
 */
class SideInformationTest {
  private static final int DIM = 4;

  /** 3 items; field "genre" multi-valued (item 0: a,b; item 1: b; item 2: none), field "shop" (item 0: x, item 2: y). */
  private static ItemFeatures features() {
    ItemFeatures.FieldBuilder genre = new ItemFeatures.FieldBuilder("genre");
    genre.add(0, "a");
    genre.add(0, "b");
    genre.add(1, "b");
    ItemFeatures.FieldBuilder shop = new ItemFeatures.FieldBuilder("shop");
    shop.add(0, "x");
    shop.add(2, "y");
    return new ItemFeatures(List.of(genre.build(3), shop.build(3)), 3, 0);
  }

  private static double objective(SideInformation side, float[] ids, int item, float[] c) {
    float[] h = new float[DIM];
    side.forward(item, ids, h, new float[3]);
    double j = 0;
    for (int d = 0; d < DIM; d++) {
      j += c[d] * h[d];
    }
    return j;
  }

  @Test
  void backwardIsTheGradientOfTheAttentionMean() {
    long seed = 21L;
    System.out.println("seed " + seed);
    WorkerRandom random = new WorkerRandom(seed);
    for (int item = 0; item < 3; item++) {
      SideInformation side = SideInformation.init(features(), DIM, 0.5, random);
      float[] ids = new float[3 * DIM];
      for (int p = 0; p < ids.length; p++) {
        ids[p] = (float) random.nextGaussian();
      }
      // Non-zero logits so the attention is not uniform.
      float[] h = new float[DIM];
      float[] alpha = new float[3];
      float[] c = {0.7f, -1.2f, 0.4f, 2.0f};
      side.forward(item, ids, h, alpha);
      float[] step = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        step[d] = 0.3f * c[d];
      }
      side.backward(item, ids, h, alpha, step, new float[DIM]); // moves the logits away from zero
      side.forward(item, ids, h, alpha);

      // Finite differences of J w.r.t. the id vector, every value vector and (through a copy) the logits.
      double epsilon = 1e-3;
      float[][] tables = side.tables;
      double[] expectedIds = new double[DIM];
      for (int d = 0; d < DIM; d++) {
        int p = item * DIM + d;
        float saved = ids[p];
        ids[p] = saved + (float) epsilon;
        double up = objective(side, ids, item, c);
        ids[p] = saved - (float) epsilon;
        double down = objective(side, ids, item, c);
        ids[p] = saved;
        expectedIds[d] = (up - down) / (2 * epsilon);
      }
      double[][] expectedTables = new double[tables.length][];
      for (int f = 0; f < tables.length; f++) {
        expectedTables[f] = new double[tables[f].length];
        for (int p = 0; p < tables[f].length; p++) {
          float saved = tables[f][p];
          tables[f][p] = saved + (float) epsilon;
          double up = objective(side, ids, item, c);
          tables[f][p] = saved - (float) epsilon;
          double down = objective(side, ids, item, c);
          tables[f][p] = saved;
          expectedTables[f][p] = (up - down) / (2 * epsilon);
        }
      }
      float[] logits = side.logits;
      double[] expectedLogits = new double[3];
      for (int j = 0; j < 3; j++) {
        int p = item * 3 + j;
        float saved = logits[p];
        logits[p] = saved + (float) epsilon;
        double up = objective(side, ids, item, c);
        logits[p] = saved - (float) epsilon;
        double down = objective(side, ids, item, c);
        logits[p] = saved;
        expectedLogits[j] = (up - down) / (2 * epsilon);
      }
      float[] idsBefore = ids.clone();
      float[] logitsBefore = logits.clone();
      float[][] tablesBefore = new float[tables.length][];
      for (int f = 0; f < tables.length; f++) {
        tablesBefore[f] = tables[f].clone();
      }
      float eps = 1e-3f; // the step is linear in dh; float storage of ~1-sized values limits the resolution
      float[] dh = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        dh[d] = eps * c[d];
      }
      side.backward(item, ids, h, alpha, dh, new float[DIM]);
      for (int d = 0; d < DIM; d++) {
        assertThat((double) (ids[item * DIM + d] - idsBefore[item * DIM + d]) / eps).as("item %d id[%d]", item, d)
            .isCloseTo(expectedIds[d], within(2e-3));
      }
      for (int f = 0; f < tables.length; f++) {
        for (int p = 0; p < tables[f].length; p++) {
          assertThat((double) (tables[f][p] - tablesBefore[f][p]) / eps).as("item %d field %d [%d]", item, f, p)
              .isCloseTo(expectedTables[f][p], within(2e-3));
        }
      }
      for (int j = 0; j < 3; j++) {
        assertThat((double) (logits[item * 3 + j] - logitsBefore[item * 3 + j]) / eps).as("item %d logit %d", item, j)
            .isCloseTo(expectedLogits[j], within(2e-3));
      }
    }
  }

  @Test
  void coldVectorIsTheMeanOfFieldVectorsAndLooksUpValuesByName() {
    SideInformation side = SideInformation.init(features(), DIM, 0.5, new WorkerRandom(5L));
    float[][] t = side.tables; // genre values: a=0, b=1; shop values: x=0, y=1
    float[] cold = new float[DIM];
    assertThat(side.coldVector(0, cold)).isTrue();
    for (int d = 0; d < DIM; d++) {
      float genre = (t[0][d] + t[0][DIM + d]) / 2;
      assertThat(cold[d]).isCloseTo((genre + t[1][d]) / 2, within(1e-6f));
    }
    float[] byName = side.vectorFor(Map.of("genre", List.of("a", "b", "unknown"), "shop", List.of("x")));
    assertThat(byName).containsExactly(cold, within(1e-6f));
    assertThat(side.vectorFor(Map.of("genre", List.of("nope")))).isNull();
  }
}
