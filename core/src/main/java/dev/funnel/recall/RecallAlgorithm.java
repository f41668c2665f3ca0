package dev.funnel.recall;

import dev.funnel.data.Interactions;
import java.io.DataInput;
import java.io.IOException;

/**
 * One recall algorithm: its typed config, its trainer and its model reader. Implementations are
 * found by {@link dev.funnel.registry.Registry} through {@code META-INF/services} (Lucene's named
 * SPI), so adding an algorithm touches its own package and one line there.
 *
 * @param <C> the config record; its canonical constructor validates and names the bad field
 */
public interface RecallAlgorithm<C extends Record> {
  /** The registry name, lower case, e.g. {@code itemcf}. */
  String name();

  /** One line for {@code --help} and listings. */
  String summary();

  /** The defaults, as a record; keys are the record's component names. */
  C defaultConfig();

  /** Trains on the matrix; the returned model keeps a reference to {@code train} if it needs histories. */
  RecallModel train(Interactions train, C config, TrainContext context);

  /** Reads the payload written by {@link RecallModel#writePayload}. */
  RecallModel read(DataInput in, C config, Interactions train) throws IOException;

  @SuppressWarnings("unchecked")
  default Class<C> configType() {
    return (Class<C>) defaultConfig().getClass();
  }
}
