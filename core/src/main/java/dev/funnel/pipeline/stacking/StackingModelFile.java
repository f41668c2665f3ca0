package dev.funnel.pipeline.stacking;

import dev.funnel.io.AtomicFile;
import dev.funnel.io.Checksummed;
import dev.funnel.rank.RankModel;
import dev.funnel.rank.RankModelFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained stacking ranker on disk, format version 1 (big-endian, strings modified UTF-8), written by
 * {@code funnel eval --scene FILE --save-ranker PATH} and loaded by a live scene's
 * {@code rank: {type: model-ranker, file: PATH}}:
 *
 * <pre>
 * int    magic 0x464E4C53 ("FNLS")
 * int    format version (1)
 * utf    engine version that wrote it
 * int    training rows, int training positives (for reports)
 * int    number of channels, then utf each: the feature layout ({@link StackingFeatures}), in scene order
 * boolean the field layout (one feature per field, for DeepFM and kin)
 * long   length, then a whole {@link RankModelFile} (with its own header and checksum)
 * int    CRC32C of every byte above
 * </pre>
 *
 * The reader checks the outer checksum before parsing the rank model, and {@link StackingModel}'s
 * constructor checks that the model's fields are the layout's.
 */
public final class StackingModelFile {
  public static final int MAGIC = 0x464E4C53;
  public static final int VERSION_CURRENT = 1;
  private static final int MAX_CHANNELS = 4096;

  private StackingModelFile() {}

  /** Writes atomically: to a temporary sibling, then renamed over {@code path}. */
  public static void write(Path path, StackingModel model) throws IOException {
    AtomicFile.write(path, out -> write(out, model));
  }

  public static void write(OutputStream target, StackingModel model) throws IOException {
    ByteArrayOutputStream rank = new ByteArrayOutputStream();
    RankModelFile.write(rank, model.model());
    Checksummed.write(target, out -> {
      out.writeInt(MAGIC);
      out.writeInt(VERSION_CURRENT);
      out.writeUTF(dev.funnel.Version.ENGINE);
      out.writeInt(model.samples());
      out.writeInt(model.positives());
      List<String> channels = model.features().channels();
      out.writeInt(channels.size());
      for (String c : channels) {
        out.writeUTF(c);
      }
      out.writeBoolean(model.features().perField());
      out.writeLong(rank.size());
      rank.writeTo(out);
    });
  }

  /** Reads a stacking model file; every error names the path. */
  public static StackingModel read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(path + ": no such file", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(path + ": " + e.getMessage(), e);
    }
  }

  public static StackingModel read(InputStream source) throws IOException {
    Checksummed.Input checked = new Checksummed.Input(source);
    DataInputStream in = checked.data();
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(String.format("not a Funnel stacking ranker file (magic 0x%08X, expected 0x%08X)", magic, MAGIC));
    }
    int version = in.readInt();
    if (version < 1 || version > VERSION_CURRENT) {
      throw new IOException("stacking ranker format version " + version + " is not supported (this engine reads 1.." + VERSION_CURRENT + ")");
    }
    in.readUTF(); // engine
    int samples = in.readInt();
    int positives = in.readInt();
    int n = in.readInt();
    if (n < 1 || n > MAX_CHANNELS) {
      throw new IOException("corrupt channel count " + n);
    }
    List<String> channels = new ArrayList<>(n);
    for (int c = 0; c < n; c++) {
      channels.add(in.readUTF());
    }
    boolean perField = in.readBoolean();
    long length = in.readLong();
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      throw new IOException("corrupt rank model length " + length);
    }
    byte[] rank = in.readNBytes((int) length);
    if (rank.length < length) {
      throw new IOException("truncated: rank model has " + rank.length + " of " + length + " bytes");
    }
    checked.verify();
    ByteArrayInputStream bytes = new ByteArrayInputStream(rank);
    RankModel model = RankModelFile.read(bytes);
    if (bytes.available() > 0) {
      throw new IOException("the rank model left " + bytes.available() + " of " + length + " bytes unread");
    }
    return new StackingModel(new StackingFeatures(channels, perField), model, samples, positives);
  }
}
