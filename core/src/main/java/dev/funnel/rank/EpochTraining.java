package dev.funnel.rank;

import dev.funnel.rank.eval.RankMetrics;
import dev.funnel.recall.TrainContext;
import dev.funnel.train.WorkerRandom;
import dev.funnel.train.runtime.Hogwild;
import dev.funnel.train.runtime.TrainingResult;
import dev.funnel.train.runtime.TrainingSchedule;
import dev.funnel.train.runtime.Validator;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The epoch loop the per-sample rankers share: each epoch visits the training rows in a fresh seeded
 * shuffle, one SGD-style step per row, on {@link Hogwild} workers (bit for bit reproducible with one
 * thread). With a validation batch, validation AUC is computed after each epoch, training stops after
 * {@code patience} epochs without improvement, and the weights of the best epoch are restored. A
 * validation batch over other fields than training's is refused.
 */
public final class EpochTraining {
  /** Rows a worker takes from the shared cursor at a time. */
  static final int CHUNK = 1024;

  /** One worker's training step, with its own scratch. */
  @FunctionalInterface
  public interface Step {
    /** Updates the shared weights on training row {@code row}; returns its (weighted) loss. */
    double train(int row);
  }

  private EpochTraining() {}

  /**
   * Runs the epochs.
   *
   * @param steps a worker id's step (called once per worker)
   * @param scorer probabilities of a batch under the current weights, for validation
   * @param weights every array that holds trained state, snapshotted for "keep best"
   */
  public static TrainingResult run(SampleBatch train, SampleBatch validation, int epochs, int patience, TrainContext context,
      IntFunction<Step> steps, Function<SampleBatch, float[]> scorer, float[]... weights) {
    if (validation != null && !validation.fields().equals(train.fields())) {
      throw new IllegalArgumentException("validation fields (" + validation.fields() + ") differ from training's (" + train.fields() + ")");
    }
    int n = train.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    WorkerRandom shuffle = new WorkerRandom(context.seed() ^ 0x5DEECE66DL);
    shuffle(order, shuffle);
    Validator validator = validation == null ? null : epoch -> {
      double auc = RankMetrics.auc(scorer.apply(validation), validation.labels());
      shuffle(order, shuffle); // between epochs: no worker is running
      return auc;
    };
    TrainingSchedule schedule = new TrainingSchedule(epochs, n, CHUNK, context.threads(), context.seed(), 1, patience);
    return Hogwild.train(schedule, (id, random) -> {
      Step step = steps.apply(id);
      return (epoch, batch, from, to) -> {
        double loss = 0;
        for (long i = from; i < to; i++) {
          loss += step.train(order[(int) i]);
        }
        return loss;
      };
    }, validator, context.progress(), weights);
  }

  /** Fisher-Yates with {@code random}; shared with {@link MiniBatchTraining}. */
  static void shuffle(int[] a, WorkerRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
