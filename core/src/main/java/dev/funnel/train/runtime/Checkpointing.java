package dev.funnel.train.runtime;

import java.nio.file.Path;

/**
 * Where and how often a training run saves its state, and whether it starts from a saved one.
 *
 * @param directory holds the run's single checkpoint file, {@link Checkpoint#FILE_NAME}; created if missing
 * @param every write a checkpoint after every this many epochs (and after the last), &gt;= 1
 * @param resume continue from the checkpoint in {@code directory} if there is one (a fresh start if not)
 */
public record Checkpointing(Path directory, int every, boolean resume) {
  public Checkpointing {
    if (directory == null) {
      throw new IllegalArgumentException("directory must be set; directory=null");
    }
    if (every < 1) {
      throw new IllegalArgumentException("every must be positive; every=" + every);
    }
  }

  /** The checkpoint file in {@link #directory}. */
  public Path file() {
    return directory.resolve(Checkpoint.FILE_NAME);
  }
}
