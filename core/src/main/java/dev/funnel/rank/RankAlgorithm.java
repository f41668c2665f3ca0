package dev.funnel.rank;

import dev.funnel.recall.TrainContext;
import java.io.DataInput;
import java.io.IOException;

/**
 * One ranking algorithm: its typed config, its trainer and its model reader, found by {@link
 * dev.funnel.registry.Registry#rank} through {@code META-INF/services/dev.funnel.rank.RankAlgorithm}
 * (as {@link dev.funnel.recall.RecallAlgorithm} is for recall).
 *
 * @param <C> the config record; its canonical constructor validates and names the bad field
 */
public interface RankAlgorithm<C extends Record> {
  /** The registry name, lower case, e.g. {@code lr}. */
  String name();

  /** One line for {@code --help} and listings. */
  String summary();

  /** The defaults, as a record; keys are the record's component names. */
  C defaultConfig();

  /**
   * Trains on {@code train}; with a {@code validation} batch (null: none) it stops early on validation
   * AUC and keeps the best epoch's weights.
   */
  RankModel fit(C config, SampleBatch train, SampleBatch validation, TrainContext context);

  /** Reads the payload written by {@link RankModel#writePayload}; {@code fields} come from the file's header. */
  RankModel read(DataInput in, C config, FieldMap fields) throws IOException;

  @SuppressWarnings("unchecked")
  default Class<C> configType() {
    return (Class<C>) defaultConfig().getClass();
  }
}
