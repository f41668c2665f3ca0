package dev.funnel.lifecycle;

import dev.funnel.eval.EvalResult;
import dev.funnel.eval.Evaluator;
import dev.funnel.eval.Metric;
import dev.funnel.experiment.Experiment;
import dev.funnel.experiment.FittedModel;
import dev.funnel.data.Interactions;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.util.Progress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One retraining of one model on a {@link TrainingSnapshot}: train a candidate on the snapshot's
 * training part, evaluate it on the holdout, compare it with the serving version, decide, and (when
 * promoted) refit on the whole snapshot. Pure computation on the caller's thread: no files, no
 * swapping (the live service's model lifecycle does those).
 *
 * <p>The comparison avoids leakage: both models are ranked (full sort, the snapshot's training items
 * excluded) on the holdout cells neither has been trained on: those whose newest event came after the
 * log position the serving version was trained on, less any cell in the serving version's own training
 * matrix (a seed model file trained elsewhere, or on the same events before they were imported, has
 * no log position). When no holdout event is newer, the whole holdout less the serving version's
 * cells is used; when every holdout cell was in its training, nothing fair is left and the candidate
 * is promoted, saying so. The serving version is scored as it serves ({@link MappedModel}: item-based
 * models with the user's events as triggers, popularity for users it does not know).
 *
 * <p>Rule: promote when {@code candidate >= serving · (1 - tolerance)} on the configured metric
 * (relative tolerance; a serving score of 0 never blocks). With no serving version, or no holdout at
 * all (too few events per user), the candidate is promoted and the reason says why.
 */
public final class Retraining {
  /**
   * @param holdoutFraction share of each user's newest events held out for evaluation, in [0, 0.9]
   * @param metric the full-sort metric compared, e.g. {@code ndcg@20} or {@code recall@20}
   * @param tolerance how much relatively worse than serving a candidate may be and still be promoted,
   *     in [0, 1)
   * @param refit whether a promoted model is retrained on the whole snapshot (holdout included), so it
   *     knows the newest events; otherwise the evaluated candidate itself is promoted
   * @param threads training and evaluation threads
   */
  public record Config(double holdoutFraction, String metric, double tolerance, boolean refit, int threads) {
    public Config {
      if (!(holdoutFraction >= 0 && holdoutFraction <= 0.9)) {
        throw new IllegalArgumentException("holdoutFraction must be in [0, 0.9]; holdoutFraction=" + holdoutFraction);
      }
      Objects.requireNonNull(metric, "metric");
      cutoff(metric);
      if (!(tolerance >= 0 && tolerance < 1)) {
        throw new IllegalArgumentException("tolerance must be in [0, 1); tolerance=" + tolerance);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1; threads=" + threads);
      }
    }

    /** Holdout 0.2, ndcg@20, tolerance 0.02 (2% relative), refit, one thread. */
    public static Config defaults() {
      return new Config(0.2, "ndcg@20", 0.02, true, 1);
    }

    public Config withTolerance(double t) {
      return new Config(holdoutFraction, metric, t, refit, threads);
    }

    public Config withHoldoutFraction(double f) {
      return new Config(f, metric, tolerance, refit, threads);
    }
  }

  /**
   * What a retraining decided.
   *
   * @param model the model to serve when {@code promoted} (refitted when configured), else the
   *     rejected candidate
   * @param promoted whether it should replace the serving version
   * @param reason one sentence: the numbers and the rule, or why there was nothing to compare
   * @param metrics the candidate's full-sort metrics at the metric's K on the whole holdout (empty
   *     without a holdout)
   * @param candidateScore the candidate's compared metric, NaN when nothing was compared
   * @param servingScore the serving version's compared metric, NaN when nothing was compared
   * @param comparedUsers users in the compared holdout
   * @param seconds wall time of the whole retraining
   */
  public record Outcome(SavedModel model, boolean promoted, String reason, Map<String, Double> metrics, double candidateScore,
      double servingScore, int comparedUsers, double seconds) {}

  private Retraining() {}

  /**
   * @param algorithm registry name of the algorithm to train
   * @param params its parameters (unknown keys fail before training)
   * @param serving the serving version, or null when there is none
   * @param servingTrainedOn the log position the serving version was trained on (0: unknown, e.g. a
   *     model file trained elsewhere)
   * @throws IllegalStateException when the snapshot has no training events
   */
  public static Outcome run(String algorithm, Map<String, String> params, TrainingSnapshot snapshot, SavedModel serving,
      long servingTrainedOn, Config config, long seed) {
    long start = System.nanoTime();
    if (snapshot.train().nnz() == 0) {
      throw new IllegalStateException("no training events in the log up to position " + snapshot.position());
    }
    TrainContext context = new TrainContext(config.threads(), seed, Progress.NONE);
    int k = cutoff(config.metric());
    Interactions train = snapshot.train();
    FittedModel candidate = Experiment.fit(algorithm, params, train, context);
    Interactions holdout = snapshot.holdout();
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (holdout.nnz() > 0) {
      EvalResult r = Evaluator.fullSort(candidate.model(), train, holdout, new int[] {k}, config.threads(), Progress.NONE);
      metrics.putAll(r.metrics());
      metrics.put("users", (double) r.usersEvaluated());
    }
    boolean promoted;
    String reason;
    double cand = Double.NaN;
    double serv = Double.NaN;
    int users = 0;
    if (serving == null) {
      promoted = true;
      reason = "promoted: no serving version to compare with";
    } else if (holdout.nnz() == 0) {
      promoted = true;
      reason = "promoted: no holdout (users need at least 2 events at holdout fraction " + config.holdoutFraction() + "), nothing to compare on";
    } else {
      MappedModel mapped = new MappedModel(serving, snapshot.users(), snapshot.items(), train, k);
      TrainingSnapshot.CellFilter unseen = (u, i) -> !mapped.trainedOn(u, i);
      Interactions compared = servingTrainedOn > 0 ? snapshot.holdoutAfter(servingTrainedOn, unseen) : Interactions.empty(1, 1);
      String on = "on %d users' holdout events after log position " + servingTrainedOn;
      if (compared.nnz() == 0) {
        compared = snapshot.holdoutAfter(0, unseen);
        on = servingTrainedOn <= 0 ? "on %d users' whole holdout less the cells the serving version was trained on"
            : "on %d users' whole holdout less the cells the serving version was trained on (none newer than its log position "
                + servingTrainedOn + ")";
      }
      if (compared.nnz() == 0) {
        promoted = true;
        reason = "promoted: the serving version was trained on every holdout event (" + holdout.nnz() + " cells), nothing unseen to compare on";
      } else {
        EvalResult c = Evaluator.fullSort(candidate.model(), train, compared, new int[] {k}, config.threads(), Progress.NONE);
        EvalResult s = Evaluator.fullSort(mapped, train, compared, new int[] {k}, config.threads(), Progress.NONE);
        cand = c.metric(config.metric());
        serv = s.metric(config.metric());
        users = c.usersEvaluated();
        double bar = serv * (1 - config.tolerance());
        promoted = cand >= bar;
        reason = String.format(Locale.ROOT, "%s: %s candidate %.5f vs serving %.5f %s; %s",
            promoted ? "promoted" : "kept the serving version", config.metric(), cand, serv, String.format(Locale.ROOT, on, users),
            promoted ? "not worse than serving beyond tolerance " + config.tolerance()
                : String.format(Locale.ROOT, "candidate below %.5f = serving x (1 - tolerance %s)", bar, config.tolerance()));
      }
    }
    SavedModel model;
    if (promoted && config.refit() && holdout.nnz() > 0) {
      model = SavedModel.of(Experiment.fit(algorithm, params, snapshot.all(), context).model(), snapshot.users(), snapshot.items(),
          snapshot.all());
    } else {
      model = SavedModel.of(candidate.model(), snapshot.users(), snapshot.items(), train);
    }
    return new Outcome(model, promoted, reason, metrics, cand, serv, users, (System.nanoTime() - start) / 1e9);
  }

  /** The K of a metric key such as {@code ndcg@20}. */
  static int cutoff(String metric) {
    int at = metric.indexOf('@');
    String name = at < 0 ? metric : metric.substring(0, at);
    boolean known = false;
    for (Metric m : Metric.values()) {
      known |= m.key(1).startsWith(name + "@");
    }
    if (at < 0 || !known) {
      throw new IllegalArgumentException("metric must be NAME@K with a full-sort metric (recall, ndcg, precision, hitrate, mrr, map); metric="
          + metric);
    }
    try {
      int k = Integer.parseInt(metric.substring(at + 1));
      if (k < 1) {
        throw new NumberFormatException();
      }
      return k;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("metric cutoff must be a positive integer; metric=" + metric);
    }
  }
}
