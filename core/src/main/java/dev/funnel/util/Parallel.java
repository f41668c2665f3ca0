package dev.funnel.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a loop over [0, n) on a fixed number of threads with dynamic chunking (work stealing by an
 * atomic cursor), so skewed rows (heavy users, popular items) do not leave a core idle. A worker's
 * exception is rethrown on the caller's thread.
 */
public final class Parallel {
  private Parallel() {}

  /** Per-worker body: called with the worker id and each chunk [from, to). */
  @FunctionalInterface
  public interface ChunkBody {
    void run(int worker, int from, int to) throws Exception;
  }

  /** The default thread count: available processors. */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  public static void forRange(int n, int threads, int chunk, ChunkBody body) {
    if (n <= 0) {
      return;
    }
    int t = Math.max(1, Math.min(threads, (n + chunk - 1) / chunk));
    AtomicInteger cursor = new AtomicInteger();
    if (t == 1) {
      runWorker(0, n, chunk, cursor, body);
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(t, r -> {
      Thread th = new Thread(r, "funnel-worker");
      th.setDaemon(true);
      return th;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < t; w++) {
        int worker = w;
        futures.add(pool.submit(() -> {
          runWorker(worker, n, chunk, cursor, body);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new RuntimeException(cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RuntimeException("interrupted", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void runWorker(int worker, int n, int chunk, AtomicInteger cursor, ChunkBody body) {
    try {
      int from;
      while ((from = cursor.getAndAdd(chunk)) < n) {
        body.run(worker, from, Math.min(n, from + chunk));
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
