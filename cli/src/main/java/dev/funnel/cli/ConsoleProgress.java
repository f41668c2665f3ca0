package dev.funnel.cli;

import dev.funnel.util.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Draws core's progress as a bar on an interactive terminal, and only the one-line summaries
 * otherwise (CI logs and pipes get no carriage-return noise).
 */
final class ConsoleProgress implements Progress {
  private final PrintStream out;
  private final boolean interactive;
  /** Read by worker threads in advance(); written under the lock. */
  private volatile ProgressBar bar;
  private String task;
  private long started;

  ConsoleProgress(PrintStream out, boolean quiet) {
    this.out = out;
    this.interactive = !quiet && System.console() != null;
  }

  @Override
  public synchronized void start(String taskName, long total) {
    closeBar();
    task = taskName;
    started = System.nanoTime();
    if (interactive) {
      bar = new ProgressBarBuilder().setTaskName(taskName).setInitialMax(total > 0 ? total : -1)
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
          .setConsumer(new ConsoleProgressBarConsumer(out)).hideEta().build();
    }
  }

  @Override
  public void advance(long steps) {
    ProgressBar b = bar;
    if (b != null) {
      b.stepBy(steps);
    }
  }

  @Override
  public synchronized void finish(String summary) {
    closeBar();
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf("%-10s %s (%.1f s)%n", task == null ? "" : task, summary, seconds);
    task = null;
  }

  private void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
