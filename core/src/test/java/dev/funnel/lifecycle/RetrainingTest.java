package dev.funnel.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.experiment.Experiment;
import dev.funnel.online.EventTypes;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.store.Event;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Promotion decisions on cluster data where ItemCF clearly beats popularity (see {@link ClusterEvents}). */
class RetrainingTest {
  private static final long SEED = 7;

  private static TrainingSnapshot snapshot(List<Event> events, double fraction) {
    TrainingSnapshot.Builder b = new TrainingSnapshot.Builder(EventTypes.defaults());
    long seq = 0;
    for (Event e : events) {
      b.accept(++seq, e);
    }
    return b.build(fraction);
  }

  private static SavedModel fit(String algorithm, TrainingSnapshot s) {
    return SavedModel.of(Experiment.fit(algorithm, Map.of(), s.all(), TrainContext.defaults()).model(), s.users(), s.items(), s.all());
  }

  /** Trained on the snapshot's training part only, so the holdout is unseen by it. */
  private static SavedModel fitTrain(String algorithm, TrainingSnapshot s) {
    return SavedModel.of(Experiment.fit(algorithm, Map.of(), s.train(), TrainContext.defaults()).model(), s.users(), s.items(), s.train());
  }

  @Test
  void popularityIsNotPromotedOverServingItemCf() {
    System.out.println("seed " + SEED);
    TrainingSnapshot s = snapshot(ClusterEvents.generate(SEED, "u", 20, 40, 6, 4, 1000), 0.25);
    SavedModel serving = fitTrain("itemcf", s);
    Retraining.Outcome o = Retraining.run("pop", Map.of(), s, serving, 0, Retraining.Config.defaults(), SEED);
    assertThat(o.promoted()).as(o.reason()).isFalse();
    assertThat(o.candidateScore()).isLessThan(o.servingScore());
    assertThat(o.reason()).startsWith("kept the serving version").contains("ndcg@20").contains("whole holdout");
    assertThat(o.comparedUsers()).isEqualTo(60);
    assertThat(o.metrics()).containsKeys("ndcg@20", "recall@20");
  }

  @Test
  void itemCfIsPromotedOverPopularityAndRefitOnEverything() {
    TrainingSnapshot s = snapshot(ClusterEvents.generate(SEED, "u", 20, 40, 6, 4, 1000), 0.25);
    SavedModel serving = fitTrain("pop", s);
    Retraining.Outcome o = Retraining.run("itemcf", Map.of(), s, serving, 0, Retraining.Config.defaults(), SEED);
    assertThat(o.promoted()).as(o.reason()).isTrue();
    assertThat(o.candidateScore()).isGreaterThan(o.servingScore());
    assertThat(o.model().train().nnz()).isEqualTo(s.all().nnz()).isEqualTo(240);
  }

  @Test
  void comparesOnlyOnEventsNewerThanTheServingVersion() {
    // 60 users logged first, then 30 new users: a serving version trained on position 240 is compared on the new users only.
    List<Event> events = new java.util.ArrayList<>(ClusterEvents.generate(SEED, "old", 20, 40, 6, 4, 1000));
    events.addAll(ClusterEvents.generate(SEED + 1, "new", 10, 20, 6, 4, 5000));
    TrainingSnapshot s = snapshot(events, 0.25);
    SavedModel serving = fit("itemcf", snapshot(events.subList(0, 240), 0.0));
    Retraining.Outcome o = Retraining.run("itemcf", Map.of(), s, serving, 240, Retraining.Config.defaults(), SEED);
    assertThat(o.comparedUsers()).isEqualTo(30);
    assertThat(o.reason()).contains("after log position 240");
    // Both rank the user's own cluster first (the serving one from the new users' events as triggers); which wins is noise here.
    assertThat(o.candidateScore()).isGreaterThan(0.5);
    assertThat(o.servingScore()).isGreaterThan(0.5);
  }

  @Test
  void aServingVersionTrainedOnTheWholeHoldoutIsNotComparedWithLeakage() {
    TrainingSnapshot s = snapshot(ClusterEvents.generate(SEED, "u", 20, 40, 6, 4, 1000), 0.25);
    Retraining.Outcome o = Retraining.run("pop", Map.of(), s, fit("itemcf", s), 0, Retraining.Config.defaults(), SEED);
    assertThat(o.promoted()).isTrue();
    assertThat(o.reason()).contains("trained on every holdout event");
  }

  @Test
  void withoutServingVersionOrHoldoutThePromotionSaysWhy() {
    TrainingSnapshot s = snapshot(ClusterEvents.generate(SEED, "u", 2, 2, 6, 4, 1000), 0.25);
    assertThat(Retraining.run("itemcf", Map.of(), s, null, 0, Retraining.Config.defaults(), SEED).reason()).contains("no serving version");
    TrainingSnapshot none = snapshot(ClusterEvents.generate(SEED, "u", 2, 2, 6, 4, 1000), 0.0);
    Retraining.Outcome o = Retraining.run("itemcf", Map.of(), none, fit("pop", none), 0, Retraining.Config.defaults(), SEED);
    assertThat(o.promoted()).isTrue();
    assertThat(o.reason()).contains("no holdout");
    assertThat(Double.isNaN(o.candidateScore())).isTrue();
  }

  @Test
  void emptySnapshotAndBadConfigAreErrors() {
    TrainingSnapshot empty = snapshot(List.of(), 0.2);
    assertThatThrownBy(() -> Retraining.run("itemcf", Map.of(), empty, null, 0, Retraining.Config.defaults(), SEED))
        .hasMessageContaining("no training events");
    assertThatThrownBy(() -> new Retraining.Config(0.2, "ndcg", 0.02, true, 1)).hasMessageContaining("metric=ndcg");
    assertThatThrownBy(() -> new Retraining.Config(0.2, "ndcg@20", 1.5, true, 1)).hasMessageContaining("tolerance=1.5");
  }
}
