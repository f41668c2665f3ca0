package dev.funnel.bench.rank;

import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.rank.eval.RankEvaluation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simplest honest ensemble of a preset's models: the unweighted mean of their logits,
 * p = sigmoid((1/K) Σ_k logit(p_k)). Nothing is fitted on the test file (no weights, no selection);
 * each member was trained and early-stopped on train/validation as its own row reports.
 */
final class MeanLogitEnsemble {
  private MeanLogitEnsemble() {}

  static Map<String, Object> row(List<RankModel> members, SampleBatch validation, SampleBatch test) {
    if (members.size() < 2) {
      throw new IllegalArgumentException("ensemble needs at least two models; got " + members.size());
    }
    RankEvaluation onTest = RankEvaluation.of(meanLogit(members, test), test);
    RankEvaluation onValidation = RankEvaluation.of(meanLogit(members, validation), validation);
    List<String> names = new ArrayList<>();
    for (RankModel m : members) {
      names.add(m.algorithm());
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("model", "ensemble");
    row.put("params", Map.of("members", String.join("+", names), "combine", "mean logit, unweighted"));
    row.put("metrics", onTest.toMap());
    row.put("validation_auc", onValidation.auc());
    System.out.printf("ensemble (mean logit of %s): test %s, validation auc %.4f%n", names, onTest.toMap(), onValidation.auc());
    return row;
  }

  static float[] meanLogit(List<RankModel> members, SampleBatch batch) {
    double[] sum = new double[batch.size()];
    for (RankModel m : members) {
      float[] p = m.score(batch);
      for (int i = 0; i < p.length; i++) {
        double q = Math.min(Math.max(p[i], 1e-7), 1 - 1e-7);
        sum[i] += Math.log(q / (1 - q));
      }
    }
    float[] out = new float[sum.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (1 / (1 + Math.exp(-sum[i] / members.size())));
    }
    return out;
  }
}
