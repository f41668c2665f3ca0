package dev.funnel.rank.multitask;

import dev.funnel.rank.SampleBatch;
import java.util.Arrays;

/**
 * Samples with one 0/1 label array per named task, over the same rows: the input of multi-task
 * rankers. {@code samples.labels()} is the first task's labels (so a single-task ranker and {@link
 * dev.funnel.rank.eval.RankEvaluation} see the main task); the others sit beside it, because {@link
 * SampleBatch} has one label array and other rankers use it as it is.
 *
 * <p>The click-conversion funnel ({@link #clickConversion}) has tasks {@code click} and {@code
 * conversion}: a conversion is only observed after a click, so {@code conversion[r] = 1} implies
 * {@code click[r] = 1}, and over all impressions the conversion array is the "click and convert"
 * label of ESMM's pCTCVR (Ma et al., SIGIR 2018).
 *
 * @param samples the features, weights and groups, with the first task's labels
 * @param tasks the task names, distinct, the first one naming {@code samples.labels()}
 * @param labels one array per task, each of samples.size() 0/1 entries; labels[0] is samples.labels()
 */
public record MultiTaskBatch(SampleBatch samples, String[] tasks, float[][] labels) {
  public static final String CLICK = "click";
  public static final String CONVERSION = "conversion";

  public MultiTaskBatch {
    if (samples == null || tasks == null || labels == null) {
      throw new IllegalArgumentException("samples, tasks and labels must be set");
    }
    if (tasks.length == 0 || tasks.length != labels.length) {
      throw new IllegalArgumentException("one label array per task; tasks=" + Arrays.toString(tasks) + ", label arrays=" + labels.length);
    }
    if (labels[0] != samples.labels()) {
      throw new IllegalArgumentException("labels[0] must be samples.labels() (the first task's labels, task '" + tasks[0] + "')");
    }
    int n = samples.size();
    for (int t = 0; t < tasks.length; t++) {
      if (tasks[t] == null || tasks[t].isBlank()) {
        throw new IllegalArgumentException("task names must be non-blank; tasks[" + t + "]=" + tasks[t]);
      }
      for (int u = 0; u < t; u++) {
        if (tasks[u].equals(tasks[t])) {
          throw new IllegalArgumentException("task named twice: '" + tasks[t] + "'");
        }
      }
      if (labels[t] == null || labels[t].length != n) {
        throw new IllegalArgumentException("labels of task '" + tasks[t] + "' must have one entry per row (" + n + "); has "
            + (labels[t] == null ? "none" : labels[t].length));
      }
      for (int r = 0; r < n; r++) {
        if (labels[t][r] != 0f && labels[t][r] != 1f) {
          throw new IllegalArgumentException("labels of task '" + tasks[t] + "' must be 0 or 1; row " + r + " has " + labels[t][r]);
        }
      }
    }
  }

  /**
   * The click-conversion funnel over impressions: {@code samples.labels()} are the clicks and {@code
   * conversions} the conversions, which must be 0 wherever there was no click (the row is named).
   */
  public static MultiTaskBatch clickConversion(SampleBatch samples, float[] conversions) {
    float[] clicks = samples.labels();
    if (conversions != null && conversions.length == clicks.length) {
      for (int r = 0; r < clicks.length; r++) {
        if (conversions[r] > clicks[r]) {
          throw new IllegalArgumentException("a conversion needs a click; row " + r + " has conversion=" + conversions[r] + ", click="
              + clicks[r]);
        }
      }
    }
    return new MultiTaskBatch(samples, new String[] {CLICK, CONVERSION}, new float[][] {clicks, conversions});
  }

  public int size() {
    return samples.size();
  }

  /** The index of {@code task}; an error listing the tasks when there is none. */
  public int task(String task) {
    for (int t = 0; t < tasks.length; t++) {
      if (tasks[t].equals(task)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown task '" + task + "'; tasks: " + String.join(", ", tasks));
  }

  /** The labels of {@code task}. */
  public float[] labels(String task) {
    return labels[task(task)];
  }

  /** The samples with {@code task}'s labels as their labels, e.g. to evaluate that task. */
  public SampleBatch asTask(String task) {
    float[] y = labels(task);
    return y == samples.labels() ? samples
        : new SampleBatch(samples.fields(), samples.rowPtr(), samples.features(), samples.values(), y, samples.weights(), samples.groups());
  }

  /** The rows where {@code task}'s label is 1, in order (e.g. the clicked impressions). */
  public int[] positiveRows(String task) {
    float[] y = labels(task);
    int count = 0;
    for (float v : y) {
      count += v > 0 ? 1 : 0;
    }
    int[] rows = new int[count];
    int at = 0;
    for (int r = 0; r < y.length; r++) {
      if (y[r] > 0) {
        rows[at++] = r;
      }
    }
    return rows;
  }

  /** The batch restricted to {@code rows} (ascending or not; copied), with every task's labels. */
  public MultiTaskBatch select(int[] rows) {
    SampleBatch s = samples;
    int nnz = 0;
    for (int r : rows) {
      if (r < 0 || r >= s.size()) {
        throw new IllegalArgumentException("row " + r + " is outside 0.." + (s.size() - 1));
      }
      nnz += s.rowPtr()[r + 1] - s.rowPtr()[r];
    }
    int[] ptr = new int[rows.length + 1];
    int[] features = new int[nnz];
    float[] values = s.values() == null ? null : new float[nnz];
    float[] weights = s.weights() == null ? null : new float[rows.length];
    int[] groups = s.groups() == null ? null : new int[rows.length];
    float[][] y = new float[tasks.length][rows.length];
    int at = 0;
    for (int i = 0; i < rows.length; i++) {
      int r = rows[i];
      int from = s.rowPtr()[r];
      int len = s.rowPtr()[r + 1] - from;
      System.arraycopy(s.features(), from, features, at, len);
      if (values != null) {
        System.arraycopy(s.values(), from, values, at, len);
      }
      at += len;
      ptr[i + 1] = at;
      if (weights != null) {
        weights[i] = s.weights()[r];
      }
      if (groups != null) {
        groups[i] = s.groups()[r];
      }
      for (int t = 0; t < tasks.length; t++) {
        y[t][i] = labels[t][r];
      }
    }
    return new MultiTaskBatch(new SampleBatch(s.fields(), ptr, features, values, y[0], weights, groups), tasks.clone(), y);
  }
}
