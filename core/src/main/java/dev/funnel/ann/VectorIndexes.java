package dev.funnel.ann;

import dev.funnel.ann.flat.FlatIndex;
import dev.funnel.ann.hnsw.HnswConfig;
import dev.funnel.ann.hnsw.HnswIndex;
import dev.funnel.ann.ivfpq.IvfPqConfig;
import dev.funnel.ann.ivfpq.IvfPqIndex;
import dev.funnel.ann.lsh.LshConfig;
import dev.funnel.ann.lsh.LshIndex;
import dev.funnel.config.Params;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds an index by kind name and loads any saved index. The file layout is in docs/formats.md
 * ("Vector index file"): a common header written by {@link #writeHeader} then the kind's payload.
 */
public final class VectorIndexes {
  /** "FNVI" read as a little-endian int. */
  public static final int MAGIC = 0x49564E46;
  public static final int VERSION_CURRENT = 1;
  public static final String KINDS = "flat, hnsw, ivfpq, lsh";

  private VectorIndexes() {}

  /**
   * Builds an index of {@code vectors} (row-major, {@code dim} floats per row; copied) of the given
   * kind with {@code params} bound onto its config record (hnsw: {@link HnswConfig}, ivfpq:
   * {@link IvfPqConfig}, lsh: {@link LshConfig}).
   */
  public static VectorIndex build(String kind, float[] vectors, int dim, Similarity similarity, Map<String, String> params,
      int threads) {
    return switch (kind) {
      case "flat" -> {
        if (!params.isEmpty()) {
          throw new IllegalArgumentException("flat takes no parameters; got " + params.keySet());
        }
        yield FlatIndex.build(vectors, dim, similarity);
      }
      case "hnsw" -> HnswIndex.build(vectors, dim, similarity, Params.bind(HnswConfig.defaults(), params), threads);
      case "ivfpq" -> IvfPqIndex.build(vectors, dim, similarity, Params.bind(IvfPqConfig.defaults(), params), threads);
      case "lsh" -> LshIndex.build(vectors, dim, similarity, Params.bind(LshConfig.defaults(), params), threads);
      default -> throw new IllegalArgumentException("unknown index kind '" + kind + "'; valid: " + KINDS);
    };
  }

  /** Loads a file written by {@link VectorIndex#save}, whatever its kind. */
  public static VectorIndex load(Path file) {
    IndexInput in = new IndexInput(file);
    Header h = readHeader(in);
    VectorIndex index = switch (h.kind()) {
      case "flat" -> FlatIndex.read(in, h);
      case "hnsw" -> HnswIndex.read(in, h);
      case "ivfpq" -> IvfPqIndex.read(in, h);
      case "lsh" -> LshIndex.read(in, h);
      default -> throw new IllegalArgumentException(file + ": unknown index kind '" + h.kind() + "'; valid: " + KINDS);
    };
    in.expectEnd();
    return index;
  }

  /** The common header of every index file. */
  public record Header(int version, String kind, Similarity similarity, int dim, int size, Map<String, String> params) {}

  public static void writeHeader(IndexOutput out, VectorIndex index) {
    out.writeInt(MAGIC);
    out.writeInt(VERSION_CURRENT);
    out.writeString(index.kind());
    out.writeString(index.similarity().key());
    out.writeInt(index.dim());
    out.writeInt(index.size());
    Map<String, Object> params = index.params();
    out.writeInt(params.size());
    params.forEach((k, v) -> {
      out.writeString(k);
      out.writeString(String.valueOf(v));
    });
  }

  public static Header readHeader(IndexInput in) {
    int magic = in.readInt("magic");
    if (magic != MAGIC) {
      throw new IllegalArgumentException(in.file() + ": not a vector index file (magic " + Integer.toHexString(magic) + ")");
    }
    int version = in.readInt("format version");
    if (version < 1 || version > VERSION_CURRENT) {
      throw new IllegalArgumentException(in.file() + ": format version " + version + " is not supported (this reader knows 1.."
          + VERSION_CURRENT + ")");
    }
    String kind = in.readString("kind");
    Similarity sim = Similarity.parse(in.readString("similarity"));
    int dim = in.readCount("dim");
    int size = in.readCount("size");
    int n = in.readCount("params");
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      params.put(in.readString("param key"), in.readString("param value"));
    }
    return new Header(version, kind, sim, dim, size, params);
  }
}
