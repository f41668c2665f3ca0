package dev.funnel.pipeline.rerank;

import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.Reranker;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Editorial control: {@code boost} multiplies the scores of named items and re-sorts (stable), then
 * {@code pinned} puts named items at fixed 0-based positions, whether or not a channel proposed
 * them, as long as they pass the request's filters (a pinned item the user has seen or excluded is
 * not forced back in). Pins beyond the end of the list go to its end.
 */
public final class PinReranker implements Reranker {
  private final String name;
  private final Map<String, Integer> pinned;
  private final Map<String, Double> boost;

  public PinReranker(String name, Map<String, Integer> pinned, Map<String, Double> boost) {
    this.name = name;
    this.pinned = new LinkedHashMap<>(pinned);
    this.boost = Map.copyOf(boost);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Candidate> rerank(PipelineRequest request, List<Candidate> ranked, int depth, Predicate<String> admissible) {
    List<Candidate> out = new ArrayList<>(ranked);
    if (!boost.isEmpty()) {
      boolean any = false;
      for (Candidate c : out) {
        Double b = boost.get(c.item());
        if (b != null) {
          c.score((float) (c.score() * b));
          c.adjust("boost x" + b);
          any = true;
        }
      }
      if (any) {
        out.sort(Comparator.comparingDouble(c -> -c.score()));
      }
    }
    if (pinned.isEmpty()) {
      return out;
    }
    TreeMap<Integer, Candidate> at = new TreeMap<>();
    for (Map.Entry<String, Integer> e : pinned.entrySet()) {
      Candidate found = null;
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).item().equals(e.getKey())) {
          found = out.remove(i);
          break;
        }
      }
      if (found == null) {
        if (!admissible.test(e.getKey())) {
          continue;
        }
        found = new Candidate(e.getKey());
      }
      found.adjust("pinned at " + e.getValue());
      at.put(e.getValue(), found);
    }
    for (Map.Entry<Integer, Candidate> e : at.entrySet()) {
      out.add(Math.min(e.getKey(), out.size()), e.getValue());
    }
    return out;
  }

  /** {@code type: pin}; keys {@code pinned} (item -> 0-based position), {@code boost} (item -> score factor). */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "pin";
    }

    @Override
    public StageKind kind() {
      return StageKind.RERANKER;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      Map<String, Double> raw = config.numbers("pinned");
      Map<String, Integer> pins = new LinkedHashMap<>();
      if (raw != null) {
        java.util.Set<Integer> positions = new java.util.HashSet<>();
        for (Map.Entry<String, Double> e : raw.entrySet()) {
          double v = e.getValue();
          if (v < 0 || v != Math.rint(v) || v > 10_000) {
            throw config.error("pinned." + e.getKey(), v, "a pinned position must be an integer in [0, 10000]");
          }
          if (!positions.add((int) v)) {
            throw config.error("pinned." + e.getKey(), (int) v, "two items pinned at one position");
          }
          pins.put(e.getKey(), (int) v);
        }
      }
      Map<String, Double> boost = config.numbers("boost");
      if (boost != null) {
        boost.forEach((item, b) -> {
          if (!(b > 0)) {
            throw config.error("boost." + item, b, "a boost factor must be positive");
          }
        });
      }
      if (pins.isEmpty() && (boost == null || boost.isEmpty())) {
        throw config.error("pinned", null, "a pin stage needs 'pinned' or 'boost'");
      }
      return new PinReranker(config.name(), pins, boost == null ? Map.of() : boost);
    }
  }
}
