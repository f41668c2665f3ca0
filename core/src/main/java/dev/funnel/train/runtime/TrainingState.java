package dev.funnel.train.runtime;

import dev.funnel.train.optim.RowOptimizer;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Trainer state beyond the weight arrays that a checkpoint must carry for a resumed run to continue
 * exactly (optimizer accumulators and moments, learning rates). {@link #read} restores into the
 * existing objects what {@link #write} wrote, in the same order.
 */
public interface TrainingState {
  void write(DataOutput out) throws IOException;

  void read(DataInput in) throws IOException;

  /** The state of these optimizers, in order; null entries (optional tables) are skipped. */
  static TrainingState of(RowOptimizer... optimizers) {
    return new TrainingState() {
      @Override
      public void write(DataOutput out) throws IOException {
        for (RowOptimizer o : optimizers) {
          if (o != null) {
            o.writeState(out);
          }
        }
      }

      @Override
      public void read(DataInput in) throws IOException {
        for (RowOptimizer o : optimizers) {
          if (o != null) {
            o.readState(in);
          }
        }
      }
    };
  }
}
