package dev.funnel.pipeline.fusion;

import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.Ranker;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rank stage of a scene without a learned ranker: fuses the channels' lists.
 *
 * <ul>
 *   <li>{@code rrf}, reciprocal-rank fusion (Cormack, Clarke &amp; Büttcher, SIGIR 2009):
 *       <pre>  score(i) = Σ_c w_c / (k + rank_c(i))</pre> with 1-based ranks in channel c's list and
 *       {@code k = 60} by default; scores of different channels need not be comparable.
 *   <li>{@code weighted}: a weighted sum of each channel's min-max normalised scores,
 *       <pre>  score(i) = Σ_c w_c · (s_c(i) - min_c) / (max_c - min_c)</pre> (a channel whose
 *       candidates all score alike contributes {@code w_c}).
 * </ul>
 * Channel weights default to 1. Reported as {@code fusion:rrf} or {@code fusion:weighted}.
 */
public final class ScoreFusion implements Ranker {
  public enum Method {
    RRF,
    WEIGHTED
  }

  private final Method method;
  private final double k;
  private final Map<String, Double> weights;

  public ScoreFusion(Method method, double k, Map<String, Double> weights) {
    if (!(k >= 0)) {
      throw new IllegalArgumentException("k must be >= 0; k=" + k);
    }
    this.method = method;
    this.k = k;
    this.weights = Map.copyOf(weights);
  }

  @Override
  public String description() {
    return "fusion:" + (method == Method.RRF ? "rrf" : "weighted");
  }

  @Override
  public void score(PipelineRequest request, List<Candidate> candidates) {
    if (method == Method.RRF) {
      for (Candidate c : candidates) {
        double s = 0;
        for (int i = 0; i < c.channelCount(); i++) {
          s += weight(c.channel(i)) / (k + c.channelRank(i) + 1);
        }
        c.score((float) s);
      }
      return;
    }
    Map<String, float[]> range = new HashMap<>();
    for (Candidate c : candidates) {
      for (int i = 0; i < c.channelCount(); i++) {
        float s = c.channelScore(i);
        float[] r = range.computeIfAbsent(c.channel(i), x -> new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
        r[0] = Math.min(r[0], s);
        r[1] = Math.max(r[1], s);
      }
    }
    for (Candidate c : candidates) {
      double s = 0;
      for (int i = 0; i < c.channelCount(); i++) {
        float[] r = range.get(c.channel(i));
        double norm = r[1] > r[0] ? (c.channelScore(i) - r[0]) / (r[1] - r[0]) : 1.0;
        s += weight(c.channel(i)) * norm;
      }
      c.score((float) s);
    }
  }

  private double weight(String channel) {
    Double w = weights.get(channel);
    return w == null ? 1.0 : w;
  }

  /** {@code type: fusion}; keys {@code method} (rrf, weighted), {@code k} (rrf constant), {@code weights} (channel -> weight). */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "fusion";
    }

    @Override
    public StageKind kind() {
      return StageKind.RANKER;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      Method m = config.choice("method", "rrf", List.of("rrf", "weighted")).equals("rrf") ? Method.RRF : Method.WEIGHTED;
      double k = config.number("k", 60.0, 0.0, 1e6);
      Map<String, Double> w = config.numbers("weights");
      if (w != null) {
        w.forEach((ch, v) -> {
          if (v < 0) {
            throw config.error("weights." + ch, v, "a channel weight must be >= 0");
          }
        });
      }
      return new ScoreFusion(m, k, w == null ? Map.of() : w);
    }
  }
}
