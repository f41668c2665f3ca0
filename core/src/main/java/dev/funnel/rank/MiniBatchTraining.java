package dev.funnel.rank;

import dev.funnel.rank.eval.RankMetrics;
import dev.funnel.train.WorkerRandom;
import dev.funnel.util.Progress;
import java.util.function.Function;

/**
 * The epoch loop of the mini-batch rankers (the dense-layer models): each epoch visits the training
 * rows in a fresh seeded shuffle, one optimizer step per mini-batch. With a validation batch,
 * validation AUC is computed after each epoch, training stops after {@code patience} epochs without
 * improvement (0: never early) and the weights of the best epoch are restored, as {@link
 * EpochTraining} does for the per-sample rankers. Deterministic for a fixed seed and step.
 */
public final class MiniBatchTraining {
  /** One optimizer step on training rows {@code rows[from .. to)}; returns their summed (weighted) loss. */
  @FunctionalInterface
  public interface Step {
    double train(int[] rows, int from, int to);
  }

  private MiniBatchTraining() {}

  /**
   * Runs the epochs over {@code n} training rows; returns the epoch (1-based) whose weights are kept.
   *
   * @param weights every array that holds trained state, snapshotted for "keep best"
   */
  public static int run(int n, SampleBatch validation, int epochs, int patience, int batchSize, long seed, Progress progress,
      Step step, Function<SampleBatch, float[]> scorer, float[]... weights) {
    return run(n, validation, epochs, patience, batchSize, seed, progress, step, scorer, null, weights);
  }

  /**
   * As above, calling {@code onPlateau} (unless null) after every epoch whose validation AUC is not a
   * new best and that does not stop the run: FuxiCTR's reduce-on-plateau, where the trainer divides
   * its learning rates (and training continues from the current, not the best, weights).
   */
  public static int run(int n, SampleBatch validation, int epochs, int patience, int batchSize, long seed, Progress progress,
      Step step, Function<SampleBatch, float[]> scorer, Runnable onPlateau, float[]... weights) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    WorkerRandom random = new WorkerRandom(seed ^ 0x5DEECE66DL);
    float[][] best = null;
    double bestAuc = Double.NEGATIVE_INFINITY;
    int bestEpoch = epochs;
    progress.start("mini-batch epochs", (long) epochs * n);
    StringBuilder history = new StringBuilder();
    for (int epoch = 1; epoch <= epochs; epoch++) {
      EpochTraining.shuffle(order, random);
      double loss = 0;
      for (int from = 0; from < n; from += batchSize) {
        int to = Math.min(n, from + batchSize);
        loss += step.train(order, from, to);
        progress.advance(to - from);
      }
      history.append(String.format(" %d:loss=%.4f", epoch, loss / n));
      if (validation == null) {
        continue;
      }
      double auc = RankMetrics.auc(scorer.apply(validation), validation.labels());
      history.append(String.format(",auc=%.4f", auc));
      if (auc > bestAuc) {
        bestAuc = auc;
        bestEpoch = epoch;
        best = snapshot(weights, best);
      } else if (patience > 0 && epoch - bestEpoch >= patience) {
        break;
      } else if (onPlateau != null) {
        onPlateau.run();
        history.append(",plateau");
      }
    }
    if (best != null) {
      for (int i = 0; i < weights.length; i++) {
        System.arraycopy(best[i], 0, weights[i], 0, weights[i].length);
      }
    }
    progress.finish("epochs" + history + (validation == null ? "" : String.format("; kept epoch %d (validation auc %.4f)", bestEpoch, bestAuc)));
    return bestEpoch;
  }

  private static float[][] snapshot(float[][] weights, float[][] into) {
    float[][] s = into == null ? new float[weights.length][] : into;
    for (int i = 0; i < weights.length; i++) {
      if (s[i] == null) {
        s[i] = weights[i].clone();
      } else {
        System.arraycopy(weights[i], 0, s[i], 0, weights[i].length);
      }
    }
    return s;
  }
}
