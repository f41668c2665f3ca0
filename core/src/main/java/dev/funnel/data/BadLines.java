package dev.funnel.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines skipped while reading with skip-bad-lines on: how many, and the first {@value #MAX_EXAMPLES}
 * error messages as examples.
 */
public record BadLines(long count, List<String> examples) {
  public static final int MAX_EXAMPLES = 5;

  public BadLines {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0; count=" + count);
    }
    examples = List.copyOf(examples);
  }

  public static BadLines none() {
    return new BadLines(0, List.of());
  }

  /** Collects bad lines during a read; either skips them or rethrows, per the skip flag. */
  public static final class Recorder {
    private final boolean skip;
    private long count;
    private final List<String> examples = new ArrayList<>();

    public Recorder(boolean skipBadLines) {
      this.skip = skipBadLines;
    }

    /** Records a bad line when skipping, else throws it. */
    public void record(DataFormatException e) {
      if (!skip) {
        throw e;
      }
      count++;
      if (examples.size() < MAX_EXAMPLES) {
        examples.add(e.getMessage());
      }
    }

    public boolean skipping() {
      return skip;
    }

    public BadLines result() {
      return new BadLines(count, examples);
    }
  }
}
