package dev.funnel.pipeline.rerank;

import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.Reranker;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.store.catalog.ItemRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Scatter: at most {@code max} items with one key (the first catalogue category, or an attribute
 * such as {@code author}) in any window of {@code window} consecutive positions. Greedy over the
 * first {@code depth} positions: each position takes the best-ranked remaining item whose key
 * appears fewer than {@code max} times among the previous {@code window - 1} positions; items
 * without a key always fit. When no remaining item fits, the best-ranked one is placed anyway and
 * noted ({@code scatter: relaxed}), so the page is never short.
 */
public final class ScatterReranker implements Reranker {
  private final String name;
  private final int window;
  private final int max;
  private final Function<String, String> keyOf;

  public ScatterReranker(String name, int window, int max, Function<String, String> keyOf) {
    if (window < 2) {
      throw new IllegalArgumentException("window must be >= 2; window=" + window);
    }
    if (max < 1 || max >= window) {
      throw new IllegalArgumentException("max must be in [1, window); max=" + max + ", window=" + window);
    }
    this.name = name;
    this.window = window;
    this.max = max;
    this.keyOf = keyOf;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Candidate> rerank(PipelineRequest request, List<Candidate> ranked, int depth, Predicate<String> admissible) {
    int fill = Math.min(depth, ranked.size());
    // Keys are looked up lazily (a catalogue read each): most candidates beyond the page are never examined.
    String[] keys = new String[ranked.size()];
    boolean[] known = new boolean[ranked.size()];
    boolean[] placed = new boolean[ranked.size()];
    List<Candidate> out = new ArrayList<>(ranked.size());
    List<String> placedKeys = new ArrayList<>(fill);
    int firstFree = 0;
    for (int p = 0; p < fill; p++) {
      while (placed[firstFree]) {
        firstFree++;
      }
      int pick = -1;
      for (int i = firstFree; i < ranked.size() && pick < 0; i++) {
        if (placed[i]) {
          continue;
        }
        if (!known[i]) {
          keys[i] = keyOf.apply(ranked.get(i).item());
          known[i] = true;
        }
        if (keys[i] == null || count(placedKeys, keys[i]) < max) {
          pick = i;
        }
      }
      boolean relaxed = pick < 0;
      if (relaxed) {
        pick = firstFree;
      }
      placed[pick] = true;
      Candidate c = ranked.get(pick);
      if (relaxed) {
        c.adjust("scatter: relaxed at " + p + " (no item of another key left)");
      } else if (pick != p) {
        c.adjust("scatter: " + pick + " -> " + p);
      }
      out.add(c);
      placedKeys.add(keys[pick]);
    }
    for (int i = 0; i < ranked.size(); i++) {
      if (!placed[i]) {
        out.add(ranked.get(i));
      }
    }
    return out;
  }

  /** Occurrences of {@code key} in the last {@code window - 1} placed positions. */
  private int count(List<String> placed, String key) {
    int n = 0;
    for (int i = Math.max(0, placed.size() - (window - 1)); i < placed.size(); i++) {
      if (Objects.equals(placed.get(i), key)) {
        n++;
      }
    }
    return n;
  }

  /** {@code type: scatter}; keys {@code window} (default 5), {@code max} (default 1), {@code by} (category or an attribute name). */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "scatter";
    }

    @Override
    public StageKind kind() {
      return StageKind.RERANKER;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      int window = config.integer("window", 5, 2, 1000);
      int max = config.integer("max", 1, 1, 999);
      if (max >= window) {
        throw config.error("max", max, "must be smaller than window (" + window + ")");
      }
      String by = config.string("by", "category");
      Function<String, String> keyOf = item -> {
        ItemRecord r = resources.item(item);
        if (r == null) {
          return null;
        }
        if (by.equals("category")) {
          return r.categories().isEmpty() ? null : r.categories().get(0);
        }
        Object v = r.attributes().get(by);
        return v == null ? null : v.toString();
      };
      return new ScatterReranker(config.name(), window, max, keyOf);
    }
  }
}
