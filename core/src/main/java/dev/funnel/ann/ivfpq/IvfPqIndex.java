package dev.funnel.ann.ivfpq;

import dev.funnel.ann.IndexInput;
import dev.funnel.ann.IndexOutput;
import dev.funnel.ann.KMeans;
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
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inverted file with product-quantised residuals, the memory-bounded tier (Jégou et al., TPAMI
 * 2011; the Faiss IndexIVFPQ design). A coarse k-means splits the vectors into {@code nlist} lists;
 * each vector is stored in its list as {@code pqBytes} one-byte codes of its residual to the list
 * centroid, {@code dim / pqBytes} dimensions per code.
 *
 * <p>Search scores the query against the coarse centroids, scans the {@code nprobe} best lists with
 * asymmetric distance tables (ADC: 256 entries per sub-quantizer, so a vector costs {@code pqBytes}
 * table lookups), keeps the best {@code max(k, rerank)} and, if {@code rerank > 0}, re-scores those
 * exactly from the float vectors. Inner product (and cosine on normalised vectors) uses one table
 * per query, since {@code <q, c + r> = <q, c> + sum_m <q_m, r_m>}; L2 needs a table per probed list
 * (the residual query {@code q - c} differs per list).
 *
 * <p>Memory: a built index holds the float vectors on the heap for re-ranking; a loaded one maps
 * them from the index file and leaves them to the page cache, so {@link #bytesUsed()} counts only
 * centroids, codebooks, ids and codes (about {@code pqBytes + 4} bytes per vector).
 */
public final class IvfPqIndex implements VectorIndex {
  private static final int KSUB = 256;

  private final Similarity similarity;
  private final int dim;
  private final int size;
  private final IvfPqConfig config;
  private final int msub;
  private final int dsub;
  private final float[] coarse;
  private final float[] coarseNorms;
  private final float[] codebooks;
  private final int[] listPtr;
  private final int[] ids;
  private final byte[] codes;
  /** Re-rank vectors: on the heap after a build, mapped from the file after a load. */
  private final float[] heapVectors;
  private final FloatBuffer mappedVectors;
  private final VectorKernels kernels;

  private IvfPqIndex(Similarity similarity, int dim, int size, IvfPqConfig config, float[] coarse, float[] codebooks, int[] listPtr,
      int[] ids, byte[] codes, float[] heapVectors, FloatBuffer mappedVectors, VectorKernels kernels) {
    this.similarity = similarity;
    this.dim = dim;
    this.size = size;
    this.config = config;
    this.msub = config.pqBytes();
    this.dsub = dim / msub;
    this.coarse = coarse;
    this.codebooks = codebooks;
    this.listPtr = listPtr;
    this.ids = ids;
    this.codes = codes;
    this.heapVectors = heapVectors;
    this.mappedVectors = mappedVectors;
    this.kernels = kernels;
    int nl = listPtr.length - 1;
    coarseNorms = new float[nl];
    for (int j = 0; j < nl; j++) {
      coarseNorms[j] = kernels.sumOfSquares(coarse, j * dim, dim);
    }
  }

  /** Trains the quantizers on a sample and encodes every vector, on {@code threads} threads. */
  public static IvfPqIndex build(float[] vectors, int dim, Similarity similarity, IvfPqConfig config, int threads) {
    VectorKernels k = Kernels.get();
    if (dim <= 0 || vectors.length % dim != 0) {
      throw new IllegalArgumentException("vectors hold " + vectors.length + " floats, not a multiple of dim=" + dim);
    }
    if (dim % config.pqBytes() != 0) {
      throw new IllegalArgumentException("pqBytes must divide dim=" + dim + "; pqBytes=" + config.pqBytes());
    }
    int n = vectors.length / dim;
    float[] data = vectors.clone();
    if (similarity.normalizes()) {
      Similarity.normalizeRows(k, data, n, dim);
    }
    int nlist = Math.max(1, Math.min(config.nlist(), n));
    int m = config.pqBytes();
    int ds = dim / m;
    // Training sample.
    SplittableRandom rnd = new SplittableRandom(config.seed());
    int ns = Math.min(n, config.trainSample());
    float[] sample = new float[ns * dim];
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = 0; i < ns; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
      System.arraycopy(data, perm[i] * dim, sample, i * dim, dim);
    }
    float[] coarse = n == 0 ? new float[0] : KMeans.train(sample, ns, dim, nlist, config.iters(), config.seed(), threads, k);
    // Residuals of the sample, then one 256-centroid codebook per sub-space.
    int[] sampleList = new int[ns];
    if (n > 0) {
      KMeans.assign(sample, ns, dim, coarse, nlist, sampleList, threads, k);
    }
    float[] codebooks = new float[m * KSUB * ds];
    float[] sub = new float[ns * ds];
    for (int s = 0; s < m && n > 0; s++) {
      for (int i = 0; i < ns; i++) {
        for (int d = 0; d < ds; d++) {
          sub[i * ds + d] = sample[i * dim + s * ds + d] - coarse[sampleList[i] * dim + s * ds + d];
        }
      }
      float[] cb = KMeans.train(sub, ns, ds, KSUB, config.iters(), config.seed() + 1 + s, threads, k);
      System.arraycopy(cb, 0, codebooks, s * KSUB * ds, KSUB * ds);
    }
    // Assign and encode every vector.
    int[] list = new int[n];
    if (n > 0) {
      KMeans.assign(data, n, dim, coarse, nlist, list, threads, k);
    }
    byte[] byId = new byte[n * m];
    Parallel.forRange(n, threads, 512, (w, from, to) -> {
      float[] r = new float[dim];
      for (int i = from; i < to; i++) {
        for (int d = 0; d < dim; d++) {
          r[d] = data[i * dim + d] - coarse[list[i] * dim + d];
        }
        for (int s = 0; s < m; s++) {
          int best = 0;
          float bestD = Float.POSITIVE_INFINITY;
          for (int j = 0; j < KSUB; j++) {
            float dd = k.squaredDistance(r, s * ds, codebooks, (s * KSUB + j) * ds, ds);
            if (dd < bestD) {
              bestD = dd;
              best = j;
            }
          }
          byId[i * m + s] = (byte) best;
        }
      }
    });
    // Group by list (CSR).
    int[] ptr = new int[nlist + 1];
    for (int i = 0; i < n; i++) {
      ptr[list[i] + 1]++;
    }
    for (int j = 0; j < nlist; j++) {
      ptr[j + 1] += ptr[j];
    }
    int[] fill = ptr.clone();
    int[] ids = new int[n];
    byte[] codes = new byte[n * m];
    for (int i = 0; i < n; i++) {
      int p = fill[list[i]]++;
      ids[p] = i;
      System.arraycopy(byId, i * m, codes, p * m, m);
    }
    IvfPqConfig effective = new IvfPqConfig(nlist, m, config.nprobe(), config.rerank(), config.iters(), config.trainSample(), config.seed());
    return new IvfPqIndex(similarity, dim, n, effective, coarse, codebooks, ptr, ids, codes, data, null, k);
  }

  public IvfPqConfig config() {
    return config;
  }

  /** A view with other search knobs (shares the data). */
  public IvfPqIndex withSearch(int nprobe, int rerank) {
    IvfPqConfig c = new IvfPqConfig(config.nlist(), config.pqBytes(), nprobe, rerank, config.iters(), config.trainSample(), config.seed());
    return new IvfPqIndex(similarity, dim, size, c, coarse, codebooks, listPtr, ids, codes, heapVectors, mappedVectors, kernels);
  }

  @Override
  public String kind() {
    return "ivfpq";
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
    boolean l2 = similarity == Similarity.L2;
    int nlist = listPtr.length - 1;
    float[] cs = new float[nlist];
    kernels.dotRows(q, 0, coarse, 0, nlist, dim, cs, 0);
    if (l2) {
      for (int j = 0; j < nlist; j++) {
        cs[j] = 2f * cs[j] - coarseNorms[j];
      }
    }
    TopK lists = new TopK(Math.min(config.nprobe(), nlist));
    lists.offerAll(cs, ItemFilter.ALL);
    int[] probe = new int[lists.size()];
    int np = lists.drainIds(probe);
    int keep = Math.min(size, Math.max(k, config.rerank()));
    TopK cand = new TopK(keep);
    float[] table = new float[msub * KSUB];
    float[] rq = l2 ? new float[dim] : q;
    if (!l2) {
      buildTable(q, table, false);
    }
    for (int pi = 0; pi < np; pi++) {
      int list = probe[pi];
      float base;
      if (l2) {
        for (int d = 0; d < dim; d++) {
          rq[d] = q[d] - coarse[list * dim + d];
        }
        buildTable(rq, table, true);
        base = 0f;
      } else {
        base = cs[list];
      }
      for (int p = listPtr[list], end = listPtr[list + 1]; p < end; p++) {
        float s = base;
        int c = p * msub;
        for (int sq = 0; sq < msub; sq++) {
          s += table[sq * KSUB + (codes[c + sq] & 0xFF)];
        }
        if (cand.size() == keep && !(s > cand.threshold())) {
          continue;
        }
        int id = ids[p];
        if (filter == ItemFilter.ALL || filter.accept(id)) {
          cand.offer(id, s);
        }
      }
    }
    if (config.rerank() == 0) {
      ScoredItems all = cand.drain();
      int n = Math.min(k, all.size());
      return new ScoredItems(java.util.Arrays.copyOf(all.items(), n), java.util.Arrays.copyOf(all.scores(), n));
    }
    int[] cids = new int[cand.size()];
    int nc = cand.drainIds(cids);
    TopK top = new TopK(Math.min(k, nc));
    float[] row = heapVectors == null ? new float[dim] : null;
    for (int i = 0; i < nc; i++) {
      int id = cids[i];
      float s;
      if (heapVectors != null) {
        s = similarity.score(kernels, q, 0, heapVectors, id * dim, dim);
      } else {
        mappedVectors.get(id * dim, row, 0, dim);
        s = similarity.score(kernels, q, 0, row, 0, dim);
      }
      top.offer(id, s);
    }
    return top.drain();
  }

  /** ADC table: entry (m, j) is {@code <x_m, C_m[j]>}, or {@code -||x_m - C_m[j]||^2} for L2. */
  private void buildTable(float[] x, float[] table, boolean l2) {
    for (int sq = 0; sq < msub; sq++) {
      int cb = sq * KSUB * dsub;
      if (l2) {
        for (int j = 0; j < KSUB; j++) {
          table[sq * KSUB + j] = -kernels.squaredDistance(x, sq * dsub, codebooks, cb + j * dsub, dsub);
        }
      } else {
        kernels.dotRows(x, sq * dsub, codebooks, cb, KSUB, dsub, table, sq * KSUB);
      }
    }
  }

  @Override
  public long bytesUsed() {
    long b = 4L * coarse.length + 4L * coarseNorms.length + 4L * codebooks.length + 4L * listPtr.length + 4L * ids.length + codes.length;
    return heapVectors == null ? b : b + 4L * heapVectors.length;
  }

  /** Whether the re-rank vectors are on the heap (built) or mapped from the file (loaded). */
  public boolean vectorsOnHeap() {
    return heapVectors != null;
  }

  @Override
  public Map<String, Object> params() {
    return new LinkedHashMap<>(Params.describe(config));
  }

  @Override
  public VectorIndex withSearchParams(Map<String, String> params) {
    for (String key : params.keySet()) {
      if (!key.equals("nprobe") && !key.equals("rerank")) {
        throw new IllegalArgumentException("unknown search parameter '" + key + "' for ivfpq; valid: nprobe, rerank");
      }
    }
    IvfPqConfig c = Params.bind(config, params);
    return withSearch(c.nprobe(), c.rerank());
  }

  @Override
  public void save(Path file) {
    try (IndexOutput out = new IndexOutput(file)) {
      VectorIndexes.writeHeader(out, this);
      out.writeInt(config.nlist());
      out.writeInt(config.pqBytes());
      out.writeInt(config.nprobe());
      out.writeInt(config.rerank());
      out.writeInt(config.iters());
      out.writeInt(config.trainSample());
      out.writeLong(config.seed());
      out.writeFloats(coarse, 0, coarse.length);
      out.writeFloats(codebooks, 0, codebooks.length);
      out.writeInts(listPtr, 0, listPtr.length);
      out.writeInts(ids, 0, ids.length);
      out.writeBytes(codes, 0, codes.length);
      if (heapVectors != null) {
        out.writeFloats(heapVectors, 0, heapVectors.length);
      } else {
        float[] row = new float[dim];
        for (int i = 0; i < size; i++) {
          mappedVectors.get(i * dim, row, 0, dim);
          out.writeFloats(row, 0, dim);
        }
      }
      out.commit();
    }
  }

  /** Reads the payload after the header; the re-rank vectors stay mapped (see docs/formats.md). */
  public static IvfPqIndex read(IndexInput in, VectorIndexes.Header h) {
    IvfPqConfig config;
    try {
      config = new IvfPqConfig(in.readInt("nlist"), in.readInt("pqBytes"), in.readInt("nprobe"), in.readInt("rerank"), in.readInt("iters"),
          in.readInt("trainSample"), in.readLong("seed"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(in.file() + ": " + e.getMessage(), e);
    }
    int dim = h.dim();
    int n = h.size();
    if (dim <= 0 || dim % config.pqBytes() != 0) {
      throw new IllegalArgumentException(in.file() + ": pqBytes=" + config.pqBytes() + " does not divide dim=" + dim);
    }
    float[] coarse = in.readFloats(Math.multiplyExact(config.nlist(), dim), "coarse centroids");
    float[] codebooks = in.readFloats(Math.multiplyExact(config.pqBytes() * KSUB, dim / config.pqBytes()), "codebooks");
    int[] ptr = in.readInts(config.nlist() + 1, "list pointers");
    if (ptr[0] != 0 || ptr[config.nlist()] != n) {
      throw new IllegalArgumentException(in.file() + ": list pointers cover " + ptr[config.nlist()] + " vectors, header says " + n);
    }
    int[] ids = in.readInts(n, "ids");
    byte[] codes = in.readBytes(Math.multiplyExact(n, config.pqBytes()), "codes");
    FloatBuffer vectors = in.sliceFloats(Math.multiplyExact(n, dim), "re-rank vectors");
    return new IvfPqIndex(h.similarity(), dim, n, config, coarse, codebooks, ptr, ids, codes, null, vectors, Kernels.get());
  }
}
