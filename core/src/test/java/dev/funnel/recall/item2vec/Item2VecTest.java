package dev.funnel.recall.item2vec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.config.Params;
import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.data.ItemFeatures;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import dev.funnel.util.Progress;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Item2VecTest {
  private static final int ITEMS = 40;
  private static final int COLD = ITEMS; // one more item with features and no interactions

  /** 300 users, each buying 6 items of its cluster (u % 4, ten items each); item "cold" is in the catalogue only. */
  private static EventTable clustered(long seed) {
    Random random = new Random(seed);
    EventTable events = new EventTable();
    for (int i = 0; i <= ITEMS; i++) {
      events.items().getOrAdd("i" + i);
    }
    for (int u = 0; u < 300; u++) {
      for (int n = 0; n < 6; n++) {
        events.add("u" + u, "i" + ((u % 4) * 10 + random.nextInt(10)), n, EventTable.DEFAULT_TYPE, 1f);
      }
    }
    return events;
  }

  /** Category = cluster; the cold item is in cluster 2. */
  private static ItemFeatures categories() {
    ItemFeatures.FieldBuilder category = new ItemFeatures.FieldBuilder("category");
    for (int i = 0; i < ITEMS; i++) {
      category.add(i, "c" + i / 10);
    }
    category.add(COLD, "c2");
    return new ItemFeatures(List.of(category.build(ITEMS + 1)), ITEMS + 1, 0);
  }

  private static Item2VecConfig config(Map<String, String> params) {
    return Params.bind(Item2VecConfig.defaults(), params);
  }

  @Test
  void singleThreadTrainingIsReproducibleBitForBit() {
    long seed = 8L;
    System.out.println("seed " + seed);
    Interactions data = clustered(seed).toInteractions(DuplicatePolicy.MAX);
    Item2VecConfig c = config(Map.of("dim", "8", "epochs", "3", "threads", "1", "corpus", "BOTH", "walksPerItem", "2"));
    Item2VecModel a = (Item2VecModel) new Item2Vec().train(data, c, new TrainContext(2, seed, Progress.NONE));
    Item2VecModel b = (Item2VecModel) new Item2Vec().train(data, c, new TrainContext(2, seed, Progress.NONE));
    Item2VecModel other = (Item2VecModel) new Item2Vec().train(data, c, new TrainContext(2, seed + 1, Progress.NONE));
    assertThat(b.itemVectors()).isEqualTo(a.itemVectors());
    assertThat(b.userVectors()).isEqualTo(a.userVectors());
    assertThat(other.itemVectors()).isNotEqualTo(a.itemVectors());
  }

  @Test
  void egesGivesAColdItemAVectorNearItsCategory() {
    long seed = 4L;
    System.out.println("seed " + seed);
    EventTable events = clustered(seed);
    Interactions data = events.toInteractions(DuplicatePolicy.MAX);
    assertThat(data.itemDegree(COLD)).isZero();
    Item2VecConfig c = config(Map.of("dim", "16", "epochs", "40", "sideInformation", "true", "corpus", "BOTH",
        "walksPerItem", "3", "learningRate", "0.05", "initStd", "0.1"));
    Item2VecModel eges = (Item2VecModel) new Item2Vec()
        .train(data, c, new TrainContext(2, seed, Progress.NONE).withItemFeatures(categories()));
    ScoredItems similar = eges.similarItems(COLD, 5, ItemFilter.ALL);
    assertThat(similar.size()).isEqualTo(5);
    for (int item : similar.items()) {
      assertThat(item / 10).as("neighbour %d of the cold item (category c2)", item).isEqualTo(2);
    }
    float[] byName = eges.vectorForFeatures(Map.of("category", List.of("c2")));
    float[] vectors = eges.itemVectorsForSimilarity();
    for (int d = 0; d < 16; d++) {
      assertThat(byName[d]).isCloseTo(vectors[COLD * 16 + d], within(1e-5f));
    }

    Item2VecModel plain = (Item2VecModel) new Item2Vec().train(data, config(Map.of("dim", "16", "epochs", "2")),
        new TrainContext(2, seed, Progress.NONE).withItemFeatures(categories()));
    assertThat(plain.similarItems(COLD, 5, ItemFilter.ALL).size()).as("no side information: nothing known").isZero();
    assertThat(plain.vectorForFeatures(Map.of("category", List.of("c2")))).isNull();
  }

  @Test
  void subsamplingFollowsWord2vec() {
    // f = 100 / 10,000 = 0.01, t = 0.001: keep = (sqrt(10) + 1) * 0.1 = 0.416228
    float[] keep = Item2Vec.keepProbabilities(new double[] {100, 1, 0}, 10_000, 1e-3);
    assertThat(keep[0]).isCloseTo(0.416228f, within(1e-5f));
    assertThat(keep[1]).as("rare items are always kept").isEqualTo(1f);
    assertThat(keep[2]).isEqualTo(1f);
    assertThat(Item2Vec.keepProbabilities(new double[] {100}, 10_000, 0)[0]).as("t = 0 disables").isEqualTo(1f);
  }

  @Test
  void orderedSequencesFollowTime() {
    EventTable events = new EventTable();
    events.add("u", "a", 30, EventTable.DEFAULT_TYPE, 1f);
    events.add("u", "b", 10, EventTable.DEFAULT_TYPE, 1f);
    events.add("u", "c", 20, EventTable.DEFAULT_TYPE, 1f);
    events.add("v", "a", 5, EventTable.DEFAULT_TYPE, 1f); // one item: no context, no sentence
    Interactions data = events.toInteractions(DuplicatePolicy.MAX);
    int[][] seqs = Item2Vec.userSequences(data, true);
    assertThat(seqs).hasNumberOfRows(1);
    assertThat(seqs[0]).containsExactly(events.items().get("b"), events.items().get("c"), events.items().get("a"));
  }

  @Test
  void badSettingsNameTheFieldAndValue() {
    assertThatThrownBy(() -> config(Map.of("window", "0"))).hasMessageContaining("window must be positive; window=0");
    assertThatThrownBy(() -> config(Map.of("subsample", "1.5"))).hasMessageContaining("subsample=1.5");
    assertThatThrownBy(() -> config(Map.of("corpus", "WALKS", "walksPerItem", "0")))
        .hasMessageContaining("walksPerItem=0");
    assertThatThrownBy(() -> config(Map.of("walkLength", "1"))).hasMessageContaining("walkLength=1");
  }
}
