package dev.funnel.rank.multitask;

import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import java.util.List;

/**
 * A trained ranker with one probability per task and row. It is also a {@link RankModel} whose {@link
 * #score(SampleBatch, float[])} is the main task (task 0), so it goes through the registry, {@link
 * dev.funnel.rank.RankModelFile} and everything that scores single-task rankers unchanged.
 *
 * <p>The click-conversion models (ESMM, MMoE, PLE here) have tasks {@link #CTR} (p(click)), {@link
 * #CVR} (p(conversion | click), the post-click conversion rate) and {@link #CTCVR} (p(click and
 * conversion) = pCTR x pCVR), with CTR the main task.
 */
public interface MultiTaskModel extends RankModel {
  String CTR = "ctr";
  String CVR = "cvr";
  String CTCVR = "ctcvr";

  /** The task names, the main one first. */
  List<String> tasks();

  /** Writes task {@code task}'s probability of every row of {@code batch} into {@code out}. */
  void score(SampleBatch batch, int task, float[] out);

  /** Task {@code task}'s probability of every row; an unknown task is an error listing the tasks. */
  default float[] score(SampleBatch batch, String task) {
    int t = tasks().indexOf(task);
    if (t < 0) {
      throw new IllegalArgumentException("unknown task '" + task + "'; tasks: " + String.join(", ", tasks()));
    }
    float[] out = new float[batch.size()];
    score(batch, t, out);
    return out;
  }

  /** The main task. */
  @Override
  default void score(SampleBatch batch, float[] out) {
    score(batch, 0, out);
  }
}
