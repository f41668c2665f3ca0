package dev.funnel.util;

/**
 * Progress of long work, reported by core and drawn by the CLI (a progress bar) or ignored. Core
 * never prints: it calls this.
 */
public interface Progress {
  Progress NONE = new Progress() {
    @Override
    public void start(String task, long total) {}

    @Override
    public void advance(long steps) {}

    @Override
    public void finish(String summary) {}
  };

  /** Hands each finished task's summary line to {@code sink} (e.g. System.out::println) and ignores the rest. */
  static Progress summaries(java.util.function.Consumer<String> sink) {
    return new Progress() {
      @Override
      public void start(String task, long total) {}

      @Override
      public void advance(long steps) {}

      @Override
      public void finish(String summary) {
        sink.accept(summary);
      }
    };
  }

  /** Begins a task of {@code total} steps (0 if unknown). */
  void start(String task, long total);

  /** Adds completed steps; thread-safe. */
  void advance(long steps);

  /** Ends the current task with a one-line summary. */
  void finish(String summary);
}
