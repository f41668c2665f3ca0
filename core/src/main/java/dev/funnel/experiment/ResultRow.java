package dev.funnel.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One model's evaluation, the row of the {@code funnel eval --json} contract and of evaluation
 * benchmark presets: {@code {"model", "params", "metrics", "fit_seconds", "eval_seconds", ...}}.
 */
public record ResultRow(String model, Map<String, Object> params, String protocol, Map<String, Double> metrics,
    double fitSeconds, double evalSeconds, int usersEvaluated, int usersSkipped) {

  /** The evaluation part of this row, for {@link dev.funnel.eval.EvalTable}. */
  public dev.funnel.eval.EvalResult evalResult() {
    return new dev.funnel.eval.EvalResult(protocol, metrics, usersEvaluated, usersSkipped, evalSeconds);
  }

  /** The JSON object of this row, keys in contract order. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("params", params);
    m.put("protocol", protocol);
    m.put("metrics", metrics);
    m.put("fit_seconds", round(fitSeconds));
    m.put("eval_seconds", round(evalSeconds));
    m.put("users_evaluated", usersEvaluated);
    m.put("users_skipped", usersSkipped);
    return m;
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
