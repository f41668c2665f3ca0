package dev.funnel.pipeline.stacking;

import dev.funnel.config.Params;
import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.offline.ReplayPipeline;
import dev.funnel.rank.RankAlgorithm;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.util.Mix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Trains a stacking ranker without leakage. The training interactions are split per user into a
 * rest and a validation part ({@link #split}); the caller trains the scene's models on the rest only
 * and replays the scene (with score fusion as its rank stage) for validation users; each candidate is
 * labelled 1 when it is one of the user's validation items ({@link #samples}); a ranker of
 * {@code Registry.rank} is fit on those rows ({@link #fit}). Since no candidate model saw a validation
 * interaction, the ranker learns how channels behave on unseen interactions, as at test time.
 */
public final class StackingTraining {
  /** The training data cut in two; both keep the full id space. */
  public record Split(Interactions rest, Interactions validation) {}

  /** Rows for the ranker, with per-row user ids in {@code groups}. */
  public record Samples(SampleBatch batch, int users, int positives, int candidates) {}

  private StackingTraining() {}

  /**
   * Holds out {@code round(share × degree)} interactions (at least 1) of every user with at least 2,
   * always leaving 1 in the rest: the newest ones when the data is timestamped, else a seeded random
   * choice.
   */
  public static Split split(Interactions train, double share, long seed) {
    int nu = train.numUsers();
    int[] ptr = train.userPtr();
    int[] items = train.userItems();
    float[] values = train.userValues();
    long[] times = train.userTimes();
    boolean timed = false;
    for (long t : times) {
      if (t != 0) {
        timed = true;
        break;
      }
    }
    boolean[] held = new boolean[items.length];
    for (int u = 0; u < nu; u++) {
      int from = ptr[u];
      int d = ptr[u + 1] - from;
      if (d < 2) {
        continue;
      }
      int h = (int) Math.min(d - 1, Math.max(1, Math.round(share * d)));
      Integer[] order = new Integer[d];
      for (int p = 0; p < d; p++) {
        order[p] = from + p;
      }
      if (timed) {
        Arrays.sort(order, (a, b) -> Long.compare(times[b], times[a]));
      } else {
        java.util.Collections.shuffle(Arrays.asList(order), new Random(Mix.seedFor(seed, u)));
      }
      for (int p = 0; p < h; p++) {
        held[order[p]] = true;
      }
    }
    return new Split(part(train, held, false), part(train, held, true));
  }

  private static Interactions part(Interactions t, boolean[] held, boolean want) {
    int nu = t.numUsers();
    int[] ptr = t.userPtr();
    int[] newPtr = new int[nu + 1];
    int n = 0;
    for (boolean b : held) {
      if (b == want) {
        n++;
      }
    }
    int[] items = new int[n];
    float[] values = new float[n];
    long[] times = new long[n];
    int k = 0;
    for (int u = 0; u < nu; u++) {
      for (int p = ptr[u]; p < ptr[u + 1]; p++) {
        if (held[p] == want) {
          items[k] = t.userItems()[p];
          values[k] = t.userValues()[p];
          times[k++] = t.userTimes()[p];
        }
      }
      newPtr[u + 1] = k;
    }
    return new Interactions(nu, t.numItems(), newPtr, items, values, times);
  }

  /**
   * Replays {@code replay} (built over models trained on {@code split.rest()} only) for up to
   * {@code settings.users()} validation users (a seeded sample) and labels their candidates.
   *
   * @param k the page size asked for (the candidates do not depend on it unless the page is deeper than the budget)
   * @param now request time
   */
  public static Samples samples(ReplayPipeline replay, StackingFeatures features, Split split, IdMap users, IdMap items,
      StackingSettings settings, int k, long now, long seed, int threads) {
    Interactions valid = split.validation();
    List<Integer> candidatesUsers = new ArrayList<>();
    for (int u = 0; u < valid.numUsers(); u++) {
      if (valid.userDegree(u) > 0) {
        candidatesUsers.add(u);
      }
    }
    java.util.Collections.shuffle(candidatesUsers, new Random(seed));
    int[] chosen = candidatesUsers.stream().limit(settings.users()).mapToInt(Integer::intValue).sorted().toArray();
    SampleBatch[] parts = new SampleBatch[chosen.length];
    dev.funnel.util.Parallel.forRange(chosen.length, threads, 16, (worker, from, to) -> {
      for (int n = from; n < to; n++) {
        int u = chosen[n];
        String user = users.external(u);
        Set<String> positives = new HashSet<>();
        for (int i : valid.itemsOf(u)) {
          positives.add(items.external(i));
        }
        List<Candidate> cands = replay.run(PipelineRequest.forUser(user, k, now)).candidates();
        List<Candidate> kept = new ArrayList<>();
        List<Candidate> negatives = new ArrayList<>();
        for (Candidate c : cands) {
          (positives.contains(c.item()) ? kept : negatives).add(c);
        }
        java.util.Collections.shuffle(negatives, new Random(Mix.seedFor(seed, u)));
        kept.addAll(negatives.subList(0, Math.min(settings.negatives(), negatives.size())));
        // Features are computed over the full candidate list (score normalisation is per request), then sub-sampled.
        SampleBatch all = features.encode(cands, user, split.rest(), users, items, positives);
        Set<String> keep = new HashSet<>();
        for (Candidate c : kept) {
          keep.add(c.item());
        }
        parts[n] = select(all, cands, keep, u);
      }
    });
    SampleBatch batch = concat(features, parts);
    int positives = 0;
    for (float l : batch.labels()) {
      positives += l > 0 ? 1 : 0;
    }
    return new Samples(batch, chosen.length, positives, batch.size());
  }

  /** Fits the settings' ranker, stopping early on the AUC of a held-out tenth of the validation users. */
  public static StackingModel fit(StackingFeatures features, Samples samples, StackingSettings settings, TrainContext context) {
    SampleBatch all = samples.batch();
    boolean[] holdout = new boolean[all.size()];
    int held = 0;
    for (int r = 0; r < all.size(); r++) {
      holdout[r] = Math.floorMod(Mix.seedFor(context.seed(), all.groups()[r]), 10) == 0;
      held += holdout[r] ? 1 : 0;
    }
    SampleBatch train = held == 0 || held == all.size() ? all : rows(all, holdout, false);
    SampleBatch validation = held == 0 || held == all.size() ? null : rows(all, holdout, true);
    RankModel model = fitTyped(Registry.rank(settings.algorithm()), settings, train, validation, context);
    return new StackingModel(features, model, samples.candidates(), samples.positives());
  }

  private static <C extends Record> RankModel fitTyped(RankAlgorithm<C> algorithm, StackingSettings settings, SampleBatch train,
      SampleBatch validation, TrainContext context) {
    C config = Params.bind(algorithm.defaultConfig(), settings.params());
    return algorithm.fit(config, train, validation, context);
  }

  private static SampleBatch select(SampleBatch all, List<Candidate> cands, Set<String> keep, int group) {
    boolean[] take = new boolean[all.size()];
    for (int r = 0; r < take.length; r++) {
      take[r] = keep.contains(cands.get(r).item());
    }
    SampleBatch s = rows(all, take, true);
    int[] g = new int[s.size()];
    Arrays.fill(g, group);
    return s.withGroups(g);
  }

  private static SampleBatch rows(SampleBatch all, boolean[] mask, boolean want) {
    int n = 0;
    int nnz = 0;
    for (int r = 0; r < all.size(); r++) {
      if (mask[r] == want) {
        n++;
        nnz += all.rowPtr()[r + 1] - all.rowPtr()[r];
      }
    }
    int[] ptr = new int[n + 1];
    int[] f = new int[nnz];
    float[] v = new float[nnz];
    float[] labels = new float[n];
    int[] groups = all.groups() == null ? null : new int[n];
    int row = 0;
    int k = 0;
    for (int r = 0; r < all.size(); r++) {
      if (mask[r] != want) {
        continue;
      }
      for (int p = all.rowPtr()[r]; p < all.rowPtr()[r + 1]; p++) {
        f[k] = all.features()[p];
        v[k++] = all.value(p);
      }
      labels[row] = all.labels()[r];
      if (groups != null) {
        groups[row] = all.groups()[r];
      }
      ptr[++row] = k;
    }
    return new SampleBatch(all.fields(), ptr, f, v, labels, null, groups);
  }

  private static SampleBatch concat(StackingFeatures features, SampleBatch[] parts) {
    int n = 0;
    int nnz = 0;
    for (SampleBatch p : parts) {
      n += p.size();
      nnz += p.nnz();
    }
    int[] ptr = new int[n + 1];
    int[] f = new int[nnz];
    float[] v = new float[nnz];
    float[] labels = new float[n];
    int[] groups = new int[n];
    int row = 0;
    int k = 0;
    for (SampleBatch p : parts) {
      for (int r = 0; r < p.size(); r++) {
        for (int q = p.rowPtr()[r]; q < p.rowPtr()[r + 1]; q++) {
          f[k] = p.features()[q];
          v[k++] = p.value(q);
        }
        labels[row] = p.labels()[r];
        groups[row] = p.groups()[r];
        ptr[++row] = k;
      }
    }
    return new SampleBatch(features.fields(), ptr, f, v, labels, null, groups);
  }
}
