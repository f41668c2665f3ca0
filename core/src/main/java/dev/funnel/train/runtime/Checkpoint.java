package dev.funnel.train.runtime;

import dev.funnel.io.BinaryIO;
import dev.funnel.train.WorkerRandom;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The saved state of a {@link Hogwild} run after a completed epoch: schedule fingerprint, the
 * workers' random streams, every weight array, the trainer's extra {@link TrainingState} (optimizer
 * state), and the keep-best bookkeeping (best epoch, metric, patience count and the best weights).
 *
 * <p>Written atomically: to {@code checkpoint.bin.tmp}, fsynced, renamed over {@code checkpoint.bin},
 * then the directory is fsynced, so a crash at any point leaves either the previous checkpoint or the
 * new one, never a torn file. A CRC32C over the whole content, checked on read, catches a file
 * damaged afterwards.
 *
 * <p>Layout (big-endian, {@link DataOutputStream}): magic {@code "FNLCKPT1"}, then the fields in the
 * order of {@link #write}, then the CRC of everything before it.
 */
final class Checkpoint {
  static final String FILE_NAME = "checkpoint.bin";
  private static final long MAGIC = 0x464E4C434B505431L; // "FNLCKPT1"

  /** The run's counters and keep-best bookkeeping after {@code completedEpochs} epochs. */
  record Saved(int completedEpochs, double trainNanos, double lastLoss, int bestEpoch, double bestMetric,
      int sinceBest, boolean stoppedEarly) {}

  private Checkpoint() {}

  static void write(Checkpointing cp, TrainingSchedule schedule, Saved progress, WorkerRandom[] randoms,
      float[][] weights, float[][] best, TrainingState state) {
    Path file = cp.file();
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      Files.createDirectories(cp.directory());
      try (FileOutputStream fos = new FileOutputStream(tmp.toFile())) {
        CRC32C crc = new CRC32C();
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(fos, crc), 1 << 16));
        out.writeLong(MAGIC);
        out.writeLong(schedule.examplesPerEpoch());
        out.writeInt(schedule.batchSize());
        out.writeInt(schedule.threads());
        out.writeLong(schedule.seed());
        out.writeInt(progress.completedEpochs());
        out.writeDouble(progress.trainNanos());
        out.writeDouble(progress.lastLoss());
        out.writeInt(progress.bestEpoch());
        out.writeDouble(progress.bestMetric());
        out.writeInt(progress.sinceBest());
        out.writeBoolean(progress.stoppedEarly());
        out.writeInt(randoms.length);
        for (WorkerRandom r : randoms) {
          r.writeState(out);
        }
        out.writeInt(weights.length);
        for (float[] w : weights) {
          BinaryIO.writeFloats(out, w);
        }
        out.writeBoolean(best != null);
        if (best != null) {
          for (float[] w : best) {
            BinaryIO.writeFloats(out, w);
          }
        }
        out.writeBoolean(state != null);
        if (state != null) {
          state.write(out);
        }
        out.flush();
        long sum = crc.getValue();
        out.writeLong(sum);
        out.flush();
        fos.getChannel().force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel dir = FileChannel.open(cp.directory(), StandardOpenOption.READ)) {
        dir.force(true); // make the rename itself durable
      } catch (IOException ignored) {
        // some file systems cannot open a directory for fsync; the rename is still atomic there
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Restores a checkpoint into the given arrays and objects (same shapes as written) and returns its
   * progress; null if there is no checkpoint file. {@code best} receives the best weights if the
   * checkpoint has them (it is allocated here and returned through {@code bestOut[0]}).
   */
  static Saved read(Checkpointing cp, TrainingSchedule schedule, WorkerRandom[] randoms, float[][] weights,
      float[][][] bestOut, TrainingState state) {
    Path file = cp.file();
    if (!Files.exists(file)) {
      return null;
    }
    try (InputStream raw = Files.newInputStream(file)) {
      CRC32C crc = new CRC32C();
      CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc);
      DataInputStream in = new DataInputStream(checked);
      if (in.readLong() != MAGIC) {
        throw bad(file, "magic", "not a Funnel training checkpoint");
      }
      expect(file, "examplesPerEpoch", in.readLong(), schedule.examplesPerEpoch());
      expect(file, "batchSize", in.readInt(), schedule.batchSize());
      expect(file, "threads", in.readInt(), schedule.threads());
      expect(file, "seed", in.readLong(), schedule.seed());
      Saved progress = new Saved(in.readInt(), in.readDouble(), in.readDouble(), in.readInt(), in.readDouble(),
          in.readInt(), in.readBoolean());
      expect(file, "workers", in.readInt(), randoms.length);
      for (WorkerRandom r : randoms) {
        r.readState(in);
      }
      expect(file, "weight arrays", in.readInt(), weights.length);
      for (int a = 0; a < weights.length; a++) {
        readInto(in, weights[a], file, "weights[" + a + "]");
      }
      if (in.readBoolean()) {
        float[][] best = new float[weights.length][];
        for (int a = 0; a < weights.length; a++) {
          best[a] = new float[weights[a].length];
          readInto(in, best[a], file, "best[" + a + "]");
        }
        bestOut[0] = best;
      }
      boolean hasState = in.readBoolean();
      if (hasState != (state != null)) {
        throw bad(file, "trainer state", hasState ? "present, but the trainer has none" : "missing");
      }
      if (state != null) {
        state.read(in);
      }
      long expected = crc.getValue();
      long stored = in.readLong();
      if (stored != expected) {
        throw bad(file, "checksum", "stored " + Long.toHexString(stored) + ", computed " + Long.toHexString(expected)
            + ": the file is damaged");
      }
      return progress;
    } catch (EOFException e) {
      throw bad(file, "length", "the file ends early: it is truncated or damaged");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  private static void readInto(DataInputStream in, float[] into, Path file, String what) throws IOException {
    float[] v = BinaryIO.readFloats(in);
    if (v.length != into.length) {
      throw bad(file, what, "holds " + v.length + " floats but the model has " + into.length);
    }
    System.arraycopy(v, 0, into, 0, v.length);
  }

  private static void expect(Path file, String field, long found, long expected) {
    if (found != expected) {
      throw bad(file, field, "checkpoint has " + found + " but this run has " + expected
          + " (resume needs the same data, batch size, threads and seed)");
    }
  }

  private static IllegalStateException bad(Path file, String field, String why) {
    return new IllegalStateException("checkpoint " + file + ": field '" + field + "': " + why);
  }
}
