package dev.funnel.ann.lsh;

import dev.funnel.ann.IndexInput;
import dev.funnel.ann.IndexOutput;
import dev.funnel.ann.Similarity;
import dev.funnel.ann.VectorIndex;
import dev.funnel.ann.VectorIndexes;
import dev.funnel.config.Params;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.Parallel;
import dev.funnel.util.TopK;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * SimHash LSH for cosine: each of {@code tables} tables keys a vector by the signs of {@code bits}
 * random Gaussian projections; a query gathers the vectors in its bucket (and, with multi-probe, in
 * the buckets one uncertain bit away) from every table and scores them exactly. The cheap baseline:
 * no training, memory {@code 8 x tables} bytes per vector beside the floats, but recall needs many
 * tables. Works with any {@link Similarity} as candidate generation, but the hash is angular, so it
 * suits cosine (and inner product on normalised vectors) best.
 *
 * <p>A table is one sorted {@code long[]} of {@code key << 32 | id}: a bucket is a binary-searched
 * run, no objects per bucket.
 */
public final class LshIndex implements VectorIndex {
  private final Similarity similarity;
  private final int dim;
  private final int size;
  private final LshConfig config;
  private final float[] planes;
  private final long[][] tables;
  private final float[] data;
  private final VectorKernels kernels;
  private final ThreadLocal<int[]> visited;

  private LshIndex(Similarity similarity, int dim, int size, LshConfig config, float[] planes, long[][] tables, float[] data,
      VectorKernels kernels) {
    this.similarity = similarity;
    this.dim = dim;
    this.size = size;
    this.config = config;
    this.planes = planes;
    this.tables = tables;
    this.data = data;
    this.kernels = kernels;
    this.visited = ThreadLocal.withInitial(() -> new int[size + 1]);
  }

  public static LshIndex build(float[] vectors, int dim, Similarity similarity, LshConfig config, int threads) {
    VectorKernels k = Kernels.get();
    if (dim <= 0 || vectors.length % dim != 0) {
      throw new IllegalArgumentException("vectors hold " + vectors.length + " floats, not a multiple of dim=" + dim);
    }
    int n = vectors.length / dim;
    float[] data = vectors.clone();
    if (similarity.normalizes()) {
      Similarity.normalizeRows(k, data, n, dim);
    }
    int nb = config.tables() * config.bits();
    float[] planes = new float[nb * dim];
    Random rnd = new Random(config.seed());
    for (int i = 0; i < planes.length; i++) {
      planes[i] = (float) rnd.nextGaussian();
    }
    long[][] tables = new long[config.tables()][n];
    Parallel.forRange(n, threads, 1024, (w, from, to) -> {
      float[] proj = new float[nb];
      for (int i = from; i < to; i++) {
        k.dotRows(data, i * dim, planes, 0, nb, dim, proj, 0);
        for (int t = 0; t < config.tables(); t++) {
          tables[t][i] = ((long) key(proj, t * config.bits(), config.bits()) << 32) | i;
        }
      }
    });
    Parallel.forRange(config.tables(), threads, 1, (w, from, to) -> {
      for (int t = from; t < to; t++) {
        Arrays.sort(tables[t]);
      }
    });
    return new LshIndex(similarity, dim, n, config, planes, tables, data, k);
  }

  private static int key(float[] proj, int off, int bits) {
    int key = 0;
    for (int b = 0; b < bits; b++) {
      if (proj[off + b] > 0f) {
        key |= 1 << b;
      }
    }
    return key;
  }

  /** A view probing another number of buckets (shares the tables). */
  public LshIndex withProbes(int probes) {
    return new LshIndex(similarity, dim, size, new LshConfig(config.tables(), config.bits(), probes, config.seed()), planes, tables, data,
        kernels);
  }

  @Override
  public String kind() {
    return "lsh";
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public ScoredItems search(float[] query, int k, ItemFilter filter) {
    VectorIndex.checkQuery(query, dim, k);
    if (k == 0 || size == 0) {
      return ScoredItems.EMPTY;
    }
    float[] q = query.clone();
    similarity.prepare(kernels, q, 0, dim);
    int bits = config.bits();
    float[] proj = new float[config.tables() * bits];
    kernels.dotRows(q, 0, planes, 0, proj.length, dim, proj, 0);
    int[] seen = visited.get();
    int epoch = ++seen[size];
    if (epoch == Integer.MAX_VALUE) {
      Arrays.fill(seen, 0);
      epoch = seen[size] = 1;
    }
    TopK top = new TopK(Math.min(k, size));
    int[] flips = new int[config.probes()];
    for (int t = 0; t < config.tables(); t++) {
      int key = key(proj, t * bits, bits);
      scan(t, key, q, filter, top, seen, epoch);
      if (flips.length > 0) {
        leastCertain(proj, t * bits, bits, flips);
        for (int f : flips) {
          scan(t, key ^ (1 << f), q, filter, top, seen, epoch);
        }
      }
    }
    return top.drain();
  }

  /** The {@code out.length} bits of table t with the smallest |projection|, i.e. most likely to flip. */
  private static void leastCertain(float[] proj, int off, int bits, int[] out) {
    int n = 0;
    for (int b = 0; b < bits; b++) {
      float a = Math.abs(proj[off + b]);
      if (n < out.length) {
        out[n++] = b;
      } else {
        int worst = 0;
        for (int j = 1; j < n; j++) {
          if (Math.abs(proj[off + out[j]]) > Math.abs(proj[off + out[worst]])) {
            worst = j;
          }
        }
        if (a < Math.abs(proj[off + out[worst]])) {
          out[worst] = b;
        }
      }
    }
  }

  private void scan(int t, int key, float[] q, ItemFilter filter, TopK top, int[] seen, int epoch) {
    long[] table = tables[t];
    long lo = (long) key << 32;
    int p = Arrays.binarySearch(table, lo);
    if (p < 0) {
      p = -p - 1;
    }
    for (; p < table.length && (table[p] >>> 32) == (key & 0xFFFFFFFFL); p++) {
      int id = (int) table[p];
      if (seen[id] == epoch) {
        continue;
      }
      seen[id] = epoch;
      if (filter == ItemFilter.ALL || filter.accept(id)) {
        top.offer(id, similarity.score(kernels, q, 0, data, id * dim, dim));
      }
    }
  }

  @Override
  public long bytesUsed() {
    return 4L * data.length + 4L * planes.length + 8L * tables.length * size;
  }

  @Override
  public Map<String, Object> params() {
    return new LinkedHashMap<>(Params.describe(config));
  }

  @Override
  public VectorIndex withSearchParams(Map<String, String> params) {
    for (String key : params.keySet()) {
      if (!key.equals("probes")) {
        throw new IllegalArgumentException("unknown search parameter '" + key + "' for lsh; valid: probes");
      }
    }
    return params.isEmpty() ? this : withProbes(Params.bind(config, params).probes());
  }

  @Override
  public void save(Path file) {
    try (IndexOutput out = new IndexOutput(file)) {
      VectorIndexes.writeHeader(out, this);
      out.writeInt(config.tables());
      out.writeInt(config.bits());
      out.writeInt(config.probes());
      out.writeLong(config.seed());
      out.writeFloats(planes, 0, planes.length);
      out.writeFloats(data, 0, data.length);
      for (long[] t : tables) {
        for (long v : t) {
          out.writeLong(v);
        }
      }
      out.commit();
    }
  }

  /** Reads the payload after the header (see docs/formats.md). */
  public static LshIndex read(IndexInput in, VectorIndexes.Header h) {
    LshConfig config;
    try {
      config = new LshConfig(in.readInt("tables"), in.readInt("bits"), in.readInt("probes"), in.readLong("seed"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(in.file() + ": " + e.getMessage(), e);
    }
    int n = h.size();
    float[] planes = in.readFloats(Math.multiplyExact(config.tables() * config.bits(), h.dim()), "hyperplanes");
    float[] data = in.readFloats(Math.multiplyExact(n, h.dim()), "vectors");
    long[][] tables = new long[config.tables()][n];
    for (int t = 0; t < config.tables(); t++) {
      for (int i = 0; i < n; i++) {
        tables[t][i] = in.readLong("table " + t);
      }
    }
    return new LshIndex(h.similarity(), h.dim(), n, config, planes, tables, data, Kernels.get());
  }
}
