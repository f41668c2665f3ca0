package dev.funnel.rank.pipeline;

import dev.funnel.io.AtomicFile;
import dev.funnel.io.Checksummed;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.RankModelFile;
import dev.funnel.rank.schema.FeatureEncoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ranking pipeline file, format version 1 (big-endian):
 *
 * <pre>
 * int     magic 0x464E4C50 ("FNLP")
 * int     format version (1)
 * double  negative down-sampling rate the scores are corrected with (1: none)
 * boolean has an encoder; if so the encoder ({@link FeatureEncoder#write}, itself versioned)
 * long    length, then a whole {@link RankModelFile} (with its own header and checksum)
 * int     CRC32C of every byte above
 * </pre>
 *
 * {@link #read(Path)} also accepts a bare {@link RankModelFile} (as a pipeline without encoder and
 * correction), so every command that takes a ranking model takes either.
 */
public final class RankPipelineFile {
  public static final int MAGIC = 0x464E4C50;
  public static final int VERSION_CURRENT = 1;

  private RankPipelineFile() {}

  /** Writes atomically: to a temporary sibling, then renamed over {@code path}. */
  public static void write(Path path, RankPipeline pipeline) throws IOException {
    AtomicFile.write(path, out -> write(out, pipeline));
  }

  public static void write(OutputStream target, RankPipeline pipeline) throws IOException {
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    RankModelFile.write(model, pipeline.model());
    Checksummed.write(target, out -> {
      out.writeInt(MAGIC);
      out.writeInt(VERSION_CURRENT);
      out.writeDouble(pipeline.negativeRate());
      out.writeBoolean(pipeline.encoder() != null);
      if (pipeline.encoder() != null) {
        pipeline.encoder().write(out);
      }
      out.writeLong(model.size());
      model.writeTo(out);
    });
  }

  /** Reads a pipeline file or a bare ranking model file; errors name the path. */
  public static RankPipeline read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(path + ": " + e.getMessage(), e);
    }
  }

  public static RankPipeline read(InputStream source) throws IOException {
    byte[] head = source.readNBytes(4);
    int magic = head.length < 4 ? -1 : ((head[0] & 0xff) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
    InputStream whole = new java.io.SequenceInputStream(new ByteArrayInputStream(head), source);
    if (magic == RankModelFile.MAGIC) {
      return RankPipeline.of(RankModelFile.read(whole));
    }
    if (magic != MAGIC) {
      throw new IOException(String.format("not a Funnel ranking model or pipeline file (magic 0x%08X)", magic));
    }
    Checksummed.Input checked = new Checksummed.Input(whole);
    DataInputStream in = checked.data();
    in.readInt();
    int version = in.readInt();
    if (version < 1 || version > VERSION_CURRENT) {
      throw new IOException("ranking pipeline format version " + version + " is not supported (this engine reads 1.." + VERSION_CURRENT + ")");
    }
    double rate = in.readDouble();
    FeatureEncoder encoder = in.readBoolean() ? FeatureEncoder.read(in) : null;
    long length = in.readLong();
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      throw new IOException("corrupt model length " + length);
    }
    byte[] model = in.readNBytes((int) length);
    if (model.length < length) {
      throw new IOException("truncated: model has " + model.length + " of " + length + " bytes");
    }
    checked.verify();
    return new RankPipeline(encoder, rate, RankModelFile.read(new ByteArrayInputStream(model)));
  }
}
