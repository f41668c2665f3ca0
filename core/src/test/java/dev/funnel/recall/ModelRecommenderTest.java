package dev.funnel.recall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.Interactions;
import dev.funnel.experiment.Experiment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelRecommenderTest {
  /** u0..u3 like a0..a3, v0..v3 like b0..b3; "lonely" has no items in common with anyone. */
  private static SavedModel train(String algorithm) {
    EventTable t = new EventTable();
    for (int u = 0; u < 4; u++) {
      for (int i = 0; i < 4; i++) {
        if (i != u) {
          t.add("u" + u, "a" + i, i, "click", 1f);
          t.add("v" + u, "b" + i, i, "click", 1f);
        }
      }
    }
    t.add("v0", "a1", 9, "click", 1f); // a1 is the most popular item
    Interactions m = t.toInteractions(DuplicatePolicy.KEEP_LAST);
    RecallModel model = Experiment.fit(algorithm, Map.of(), m, TrainContext.defaults()).model();
    return SavedModel.of(model, t.users(), t.items(), m);
  }

  @Test
  void personalModelServesKnownUsersAndFallsBackForStrangers() {
    ModelRecommender r = new ModelRecommender("itemcf", train("itemcf"));
    ModelRecommender.Result known = r.recommend("u0", 1, List.of());
    assertThat(known.fallback()).isEqualTo(ModelRecommender.Fallback.NONE);
    assertThat(known.items()).extracting(ModelRecommender.Scored::item).containsExactly("a0");
    ModelRecommender.Result stranger = r.recommend("nobody", 2, List.of());
    assertThat(stranger.fallback()).isEqualTo(ModelRecommender.Fallback.POPULARITY);
    assertThat(stranger.items()).extracting(ModelRecommender.Scored::item).first().isEqualTo("a1");
  }

  @Test
  void popularityModelServesEveryKnownUserItselfWithoutAFallbackFlag() {
    ModelRecommender r = new ModelRecommender("pop", train("pop"));
    ModelRecommender.Result known = r.recommend("u0", 2, List.of());
    assertThat(known.fallback()).isEqualTo(ModelRecommender.Fallback.NONE);
    // a1 is seen by u0, so the next most popular unseen items come first.
    assertThat(known.items()).extracting(ModelRecommender.Scored::item).doesNotContain("a1", "a2", "a3");
    assertThat(r.recommend("nobody", 1, List.of()).fallback()).isEqualTo(ModelRecommender.Fallback.POPULARITY);
  }

  @Test
  void seenAndExcludedItemsNeverComeBackAndUnknownExcludesAreIgnored() {
    ModelRecommender r = new ModelRecommender("itemcf", train("itemcf"));
    ModelRecommender.Result res = r.recommend("u0", 8, List.of("a0", "not-an-item"));
    assertThat(res.items()).extracting(ModelRecommender.Scored::item).doesNotContain("a0", "a1", "a2", "a3").isNotEmpty();
    assertThat(r.similar("missing", 3, List.of())).isNull();
    assertThat(r.similar("a0", 2, List.of("a1")).items()).extracting(ModelRecommender.Scored::item).doesNotContain("a0", "a1");
  }
}
