package dev.funnel.rank.multitask;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.TrainContext;
import java.io.DataInput;
import java.io.IOException;

/**
 * A ranking algorithm trained on several tasks' labels at once ({@link MultiTaskBatch}). It is
 * registered and read back as any {@link RankAlgorithm}; the single-label {@link #fit(Record,
 * SampleBatch, SampleBatch, TrainContext)} is refused, since one label array cannot train it.
 */
public interface MultiTaskAlgorithm<C extends Record> extends RankAlgorithm<C> {
  /** The task labels this algorithm trains on, e.g. {@code click, conversion}. */
  java.util.List<String> labelTasks();

  /**
   * Trains on {@code train}; with a {@code validation} batch (null: none) it stops early on a
   * validation AUC the algorithm documents and keeps the best epoch's weights.
   */
  MultiTaskModel fit(C config, MultiTaskBatch train, MultiTaskBatch validation, TrainContext context);

  @Override
  default RankModel fit(C config, SampleBatch train, SampleBatch validation, TrainContext context) {
    throw new IllegalArgumentException("'" + name() + "' is a multi-task ranker: it trains on the labels of tasks " + labelTasks()
        + " (a MultiTaskBatch), not on one label array");
  }

  @Override
  MultiTaskModel read(DataInput in, C config, FieldMap fields) throws IOException;
}
