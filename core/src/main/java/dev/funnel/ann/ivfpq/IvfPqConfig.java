package dev.funnel.ann.ivfpq;

/**
 * IVF-PQ knobs (Jégou, Douze and Schmid, "Product quantization for nearest neighbor search",
 * TPAMI 2011; names as in Faiss's IndexIVFPQ).
 *
 * @param nlist coarse k-means clusters (inverted lists)
 * @param pqBytes sub-quantizers, one byte (256 centroids) each; must divide the dimension
 * @param nprobe lists scanned per query (search-time knob)
 * @param rerank candidates re-scored exactly from the float vectors (0: return ADC scores)
 * @param iters k-means iterations for the coarse quantizer and the codebooks
 * @param trainSample rows sampled for training (all rows if fewer)
 * @param seed seeds sampling and k-means initialisation
 */
public record IvfPqConfig(int nlist, int pqBytes, int nprobe, int rerank, int iters, int trainSample, long seed) {
  public IvfPqConfig {
    if (nlist < 1) {
      throw new IllegalArgumentException("nlist must be positive; nlist=" + nlist);
    }
    if (pqBytes < 1) {
      throw new IllegalArgumentException("pqBytes must be positive; pqBytes=" + pqBytes);
    }
    if (nprobe < 1) {
      throw new IllegalArgumentException("nprobe must be positive; nprobe=" + nprobe);
    }
    if (rerank < 0) {
      throw new IllegalArgumentException("rerank must be >= 0; rerank=" + rerank);
    }
    if (iters < 1) {
      throw new IllegalArgumentException("iters must be positive; iters=" + iters);
    }
    if (trainSample < 256) {
      throw new IllegalArgumentException("trainSample must be >= 256; trainSample=" + trainSample);
    }
  }

  public static IvfPqConfig defaults() {
    return new IvfPqConfig(256, 16, 16, 100, 10, 32_768, 42L);
  }
}
