package dev.funnel.train.runtime;

import dev.funnel.train.WorkerRandom;
import dev.funnel.util.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Epoch loop with Hogwild-style parallel SGD (Recht, Re, Wright &amp; Niu, NeurIPS 2011): worker
 * threads take batches of an epoch from a shared counter and update the shared weights without
 * locks; sparse updates rarely collide, so lost writes cost little and nothing waits.
 *
 * <p>Each worker has its own {@link WorkerRandom} ({@code forWorker(seed, id)}) and scratch, made
 * once by the {@link WorkerFactory} and kept across epochs. With one thread the batches run in order
 * on the caller's thread, so a run is reproducible bit for bit from the seed. With several, the
 * batch-to-thread assignment and the interleaving of updates vary from run to run.
 *
 * <p>A worker's exception, or a non-finite batch loss, stops the epoch (other workers finish their
 * current batch) and is rethrown on the caller's thread as a {@link TrainingException} naming the
 * epoch and batch. After each epoch one line goes to {@link Progress#finish} (mean loss, examples/s,
 * validation metric); batches advance the progress bar. With a {@link Validator}, training stops once
 * {@code patience} validations in a row fail to improve the best metric, and the weights of the best
 * epoch are restored (the {@code weights} arrays are copied on each improvement).
 */
public final class Hogwild {
  private Hogwild() {}

  /**
   * Runs the schedule.
   *
   * @param validator may be null (no validation, no early stopping)
   * @param weights the arrays holding all trained weights, snapshotted for "keep best"; may be empty
   */
  public static TrainingResult train(TrainingSchedule schedule, WorkerFactory factory, Validator validator,
      Progress progress, float[]... weights) {
    return train(schedule, factory, validator, progress, null, null, weights);
  }

  /**
   * Runs the schedule with checkpoints: after every {@code checkpointing.every()} epochs (and after the
   * last) the run's full state is saved atomically (see {@link Checkpoint}): the weights, {@code state}
   * (optimizer state), every worker's random stream, the epoch and the keep-best bookkeeping. With
   * {@code checkpointing.resume()} and a checkpoint present, training continues after its epoch; in
   * single-thread mode the final weights are then bit for bit those of an uninterrupted run.
   *
   * <p>Resume requires the same examples per epoch, batch size, threads and seed (checked, and named
   * in the error); {@code epochs} may differ, so a finished run can be extended.
   *
   * @param checkpointing may be null (no checkpoints)
   * @param state the trainer's state besides {@code weights}; may be null if it has none
   */
  public static TrainingResult train(TrainingSchedule schedule, WorkerFactory factory, Validator validator,
      Progress progress, Checkpointing checkpointing, TrainingState state, float[]... weights) {
    if (progress == null) {
      progress = Progress.NONE;
    }
    long start = System.nanoTime();
    int threads = schedule.threads();
    BatchWorker[] workers = new BatchWorker[threads];
    WorkerRandom[] randoms = new WorkerRandom[threads];
    for (int w = 0; w < threads; w++) {
      randoms[w] = WorkerRandom.forWorker(schedule.seed(), w);
      workers[w] = factory.create(w, randoms[w]);
    }
    ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "funnel-hogwild");
      t.setDaemon(true);
      return t;
    }) : null;
    try {
      double bestMetric = Double.NEGATIVE_INFINITY;
      int bestEpoch = -1;
      float[][] best = null;
      int sinceBest = 0;
      double lastLoss = Double.NaN;
      double trainNanos = 0;
      int epoch = 0;
      boolean stoppedEarly = false;
      if (checkpointing != null && checkpointing.resume()) {
        float[][][] bestOut = new float[1][][];
        Checkpoint.Saved saved = Checkpoint.read(checkpointing, schedule, randoms, weights, bestOut, state);
        if (saved != null) {
          epoch = saved.completedEpochs();
          trainNanos = saved.trainNanos();
          lastLoss = saved.lastLoss();
          bestEpoch = saved.bestEpoch();
          bestMetric = saved.bestMetric();
          sinceBest = saved.sinceBest();
          stoppedEarly = saved.stoppedEarly();
          best = bestOut[0];
          progress.start("resume", 0);
          progress.finish(String.format(Locale.ROOT, "resumed from %s after epoch %d", checkpointing.file(), epoch));
        }
      }
      while (epoch < schedule.epochs() && !stoppedEarly) {
        progress.start(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, schedule.epochs()), schedule.batches());
        long t0 = System.nanoTime();
        double loss = runEpoch(schedule, epoch, workers, pool, progress);
        long nanos = System.nanoTime() - t0;
        trainNanos += nanos;
        lastLoss = schedule.examplesPerEpoch() == 0 ? 0 : loss / schedule.examplesPerEpoch();
        double seconds = nanos / 1e9;
        String line = String.format(Locale.ROOT, "epoch %d/%d loss %.6f %.0f examples/s %.2f s", epoch + 1,
            schedule.epochs(), lastLoss, schedule.examplesPerEpoch() / Math.max(seconds, 1e-9), seconds);
        boolean last = epoch + 1 == schedule.epochs();
        if (validator != null && ((epoch + 1) % schedule.validateEvery() == 0 || last)) {
          double metric = validator.evaluate(epoch);
          line += String.format(Locale.ROOT, " validation %.5f", metric);
          if (metric > bestMetric || bestEpoch < 0) {
            bestMetric = metric;
            bestEpoch = epoch;
            sinceBest = 0;
            best = snapshot(weights, best);
            line += " (best)";
          } else {
            sinceBest++;
            if (schedule.patience() > 0 && sinceBest >= schedule.patience() && !last) {
              stoppedEarly = true;
              line += " (stopping: no improvement in " + sinceBest + " validations)";
            }
          }
        }
        epoch++;
        if (checkpointing != null && (epoch % checkpointing.every() == 0 || epoch == schedule.epochs() || stoppedEarly)) {
          Checkpoint.write(checkpointing, schedule, new Checkpoint.Saved(epoch, trainNanos, lastLoss, bestEpoch, bestMetric,
              sinceBest, stoppedEarly), randoms, weights, best, state);
          line += " (checkpoint)";
        }
        progress.finish(line);
      }
      if (validator == null) {
        bestEpoch = epoch - 1;
        bestMetric = Double.NaN;
      } else if (bestEpoch != epoch - 1 && best != null) {
        for (int a = 0; a < weights.length; a++) {
          System.arraycopy(best[a], 0, weights[a], 0, weights[a].length);
        }
      }
      return new TrainingResult(epoch, bestEpoch, bestMetric, lastLoss, (System.nanoTime() - start) / 1e9,
          trainNanos / 1e9, stoppedEarly);
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  private static float[][] snapshot(float[][] weights, float[][] into) {
    if (into == null) {
      into = new float[weights.length][];
      for (int a = 0; a < weights.length; a++) {
        into[a] = weights[a].clone();
      }
      return into;
    }
    for (int a = 0; a < weights.length; a++) {
      System.arraycopy(weights[a], 0, into[a], 0, weights[a].length);
    }
    return into;
  }

  /** Where and why an epoch failed, recorded by the first failing worker. */
  private record Failure(int batch, String what, Throwable cause) {}

  /** Carries a batch's failure out of {@link #runBatch}. */
  private static final class BatchFailed extends RuntimeException {
    final transient Failure failure;

    BatchFailed(Failure failure) {
      super(null, null, false, false);
      this.failure = failure;
    }
  }

  private static double runEpoch(TrainingSchedule schedule, int epoch, BatchWorker[] workers, ExecutorService pool,
      Progress progress) {
    long n = schedule.examplesPerEpoch();
    int batchSize = schedule.batchSize();
    long batches = schedule.batches();
    if (pool == null) {
      double total = 0;
      for (long b = 0; b < batches; b++) {
        try {
          total += runBatch(workers[0], epoch, b, batchSize, n);
        } catch (BatchFailed e) {
          throw failed(epoch, e.failure);
        }
        progress.advance(1);
      }
      return total;
    }
    AtomicLong next = new AtomicLong();
    AtomicReference<Failure> firstFailure = new AtomicReference<>();
    List<Future<Double>> futures = new ArrayList<>(workers.length);
    for (BatchWorker worker : workers) {
      futures.add(pool.submit(() -> {
        double sum = 0;
        long b;
        while (firstFailure.get() == null && (b = next.getAndIncrement()) < batches) {
          try {
            sum += runBatch(worker, epoch, b, batchSize, n);
          } catch (BatchFailed e) {
            firstFailure.compareAndSet(null, e.failure);
            break;
          }
          progress.advance(1);
        }
        return sum;
      }));
    }
    double total = 0;
    for (Future<Double> f : futures) {
      try {
        total += f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TrainingException("training interrupted at epoch " + epoch, epoch, -1, e);
      } catch (ExecutionException e) {
        firstFailure.compareAndSet(null, new Failure(-1, "worker failed: " + e.getCause(), e.getCause()));
      }
    }
    Failure failure = firstFailure.get();
    if (failure != null) {
      throw failed(epoch, failure);
    }
    return total;
  }

  private static double runBatch(BatchWorker worker, int epoch, long b, int batchSize, long n) {
    long from = b * batchSize;
    long to = Math.min(n, from + batchSize);
    double loss;
    try {
      loss = worker.run(epoch, (int) b, from, to);
    } catch (RuntimeException | Error e) {
      throw new BatchFailed(new Failure((int) b, "worker failed: " + e, e));
    }
    if (!Double.isFinite(loss)) {
      throw new BatchFailed(new Failure((int) b, "loss is " + loss + " (diverged: lower the learning rate?)", null));
    }
    return loss;
  }

  private static TrainingException failed(int epoch, Failure f) {
    String msg = "training failed at epoch " + epoch + ", batch " + f.batch() + ": " + f.what();
    return new TrainingException(msg, epoch, f.batch(), f.cause());
  }
}
