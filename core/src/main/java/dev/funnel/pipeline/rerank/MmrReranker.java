package dev.funnel.pipeline.rerank;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.Reranker;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.recall.EmbeddingModel;
import dev.funnel.recall.SavedModel;
import dev.funnel.store.catalog.ItemRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Maximal Marginal Relevance (Carbonell &amp; Goldstein, SIGIR 1998): fills the first {@code depth}
 * positions greedily with
 * <pre>  argmax_{i ∉ S}  λ · rel(i) − (1 − λ) · max_{j ∈ S} sim(i, j)</pre>
 * where {@code rel} is the ranked score min-max normalised over the pool (so λ means the same for
 * any ranker) and {@code sim} is the Jaccard overlap of the items' catalogue categories
 * ({@code similarity: categories}) or the cosine of a model's item embeddings ({@code similarity:
 * embeddings}, with {@code model}; items the model lacks have similarity 0). λ = 1 keeps the ranking;
 * ties go to the better-ranked item. The pool is the first {@code pool} candidates (0: all).
 */
public final class MmrReranker implements Reranker {
  /** Pairwise item similarity over a pool of candidates, prepared once per request. */
  interface Similarity {
    Pair prepare(List<Candidate> pool);
  }

  /** Similarity of pool positions a and b. */
  interface Pair {
    float sim(int a, int b);
  }

  private final String name;
  private final double lambda;
  private final int pool;
  private final Similarity similarity;

  MmrReranker(String name, double lambda, int pool, Similarity similarity) {
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda must be in [0, 1]; lambda=" + lambda);
    }
    this.name = name;
    this.lambda = lambda;
    this.pool = pool;
    this.similarity = similarity;
  }

  /** MMR over catalogue categories (Jaccard). */
  public static MmrReranker byCategories(String name, double lambda, int pool, PipelineResources resources) {
    return new MmrReranker(name, lambda, pool, candidates -> {
      List<Set<String>> cats = new ArrayList<>(candidates.size());
      for (Candidate c : candidates) {
        ItemRecord r = resources.item(c.item());
        cats.add(r == null ? Set.of() : new HashSet<>(r.categories()));
      }
      return (a, b) -> jaccard(cats.get(a), cats.get(b));
    });
  }

  /** MMR over item vectors given per candidate (null: unknown item, similarity 0); cosine similarity. */
  static MmrReranker byVectors(String name, double lambda, int pool, java.util.function.Function<List<Candidate>, float[][]> vectors) {
    return new MmrReranker(name, lambda, pool, candidates -> {
      float[][] v = vectors.apply(candidates);
      return (a, b) -> cosine(v[a], v[b]);
    });
  }

  static float jaccard(Set<String> a, Set<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return 0f;
    }
    int both = 0;
    for (String s : a) {
      if (b.contains(s)) {
        both++;
      }
    }
    return (float) both / (a.size() + b.size() - both);
  }

  static float cosine(float[] a, float[] b) {
    if (a == null || b == null) {
      return 0f;
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int d = 0; d < a.length; d++) {
      dot += a[d] * b[d];
      na += a[d] * a[d];
      nb += b[d] * b[d];
    }
    return na == 0 || nb == 0 ? 0f : (float) (dot / Math.sqrt(na * nb));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Candidate> rerank(PipelineRequest request, List<Candidate> ranked, int depth, Predicate<String> admissible) {
    int n = pool > 0 ? Math.min(pool, ranked.size()) : ranked.size();
    int fill = Math.min(depth, n);
    if (fill <= 1 || lambda == 1.0) {
      return ranked;
    }
    List<Candidate> cands = ranked.subList(0, n);
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (Candidate c : cands) {
      min = Math.min(min, c.score());
      max = Math.max(max, c.score());
    }
    double[] rel = new double[n];
    for (int i = 0; i < n; i++) {
      rel[i] = max > min ? (cands.get(i).score() - min) / (max - min) : 1.0;
    }
    // Only similarities to the items placed are needed: depth x pool evaluations, not pool^2.
    Pair sim = similarity.prepare(cands);
    boolean[] taken = new boolean[n];
    double[] maxSim = new double[n];
    List<Candidate> out = new ArrayList<>(ranked.size());
    for (int p = 0; p < fill; p++) {
      int best = -1;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (taken[i]) {
          continue;
        }
        double v = lambda * rel[i] - (p == 0 ? 0 : (1 - lambda) * maxSim[i]);
        if (v > bestValue) {
          bestValue = v;
          best = i;
        }
      }
      taken[best] = true;
      Candidate c = cands.get(best);
      if (best != p) {
        c.adjust(String.format(java.util.Locale.ROOT, "mmr: %d -> %d (max similarity %.3f)", best, p, p == 0 ? 0.0 : maxSim[best]));
      }
      out.add(c);
      for (int i = 0; i < n; i++) {
        if (!taken[i]) {
          maxSim[i] = Math.max(maxSim[i], sim.sim(i, best));
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (!taken[i]) {
        out.add(cands.get(i));
      }
    }
    out.addAll(ranked.subList(n, ranked.size()));
    return out;
  }

  /**
   * {@code type: mmr}; keys {@code lambda} (default 0.7), {@code similarity} (categories or
   * embeddings), {@code model} (an embedding model, for embeddings), {@code pool} (default 0: all).
   */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "mmr";
    }

    @Override
    public StageKind kind() {
      return StageKind.RERANKER;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      double lambda = config.number("lambda", 0.7, 0.0, 1.0);
      int pool = config.integer("pool", 0, 0, 100_000);
      String sim = config.choice("similarity", "categories", List.of("categories", "embeddings"));
      if (sim.equals("categories")) {
        return byCategories(config.name(), lambda, pool, resources);
      }
      String model = config.requiredString("model");
      OnlineRecommender rec = resources.requireModel(config, "model", model);
      if (!(rec.saved().model() instanceof EmbeddingModel)) {
        throw config.error("model", model, "similarity 'embeddings' needs an embedding model; '" + model + "' is "
            + rec.saved().model().algorithm());
      }
      ItemVectors vectors = new ItemVectors(rec);
      return byVectors(config.name(), lambda, pool, vectors::of);
    }
  }

  /** A model's item vectors, copied once per model version (a swap brings a new copy on first use). */
  static final class ItemVectors {
    private final OnlineRecommender rec;
    private volatile SavedModel cachedFor;
    private volatile float[] table;
    private volatile int dim;

    ItemVectors(OnlineRecommender rec) {
      this.rec = rec;
    }

    float[][] of(List<Candidate> candidates) {
      SavedModel saved = rec.saved();
      float[] t;
      int d;
      synchronized (this) {
        if (cachedFor != saved) {
          if (saved.model() instanceof EmbeddingModel e) {
            table = e.itemVectors();
            dim = e.dim();
          } else {
            table = null;
          }
          cachedFor = saved;
        }
        t = table;
        d = dim;
      }
      float[][] out = new float[candidates.size()][];
      if (t == null) {
        return out;
      }
      for (int i = 0; i < out.length; i++) {
        int id = saved.items().get(candidates.get(i).item());
        if (id >= 0 && (long) (id + 1) * d <= t.length) {
          out[i] = java.util.Arrays.copyOfRange(t, id * d, (id + 1) * d);
        }
      }
      return out;
    }
  }
}
