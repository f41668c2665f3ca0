package dev.funnel.rank;

import dev.funnel.config.Params;
import dev.funnel.io.AtomicFile;
import dev.funnel.io.BinaryIO;
import dev.funnel.io.Checksummed;
import dev.funnel.registry.Registry;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The ranking model file, format version 1 (big-endian, strings modified UTF-8):
 *
 * <pre>
 * int    magic 0x464E4C52 ("FNLR")
 * int    format version (1)
 * utf    engine version that wrote it
 * utf    algorithm registry name
 * int    number of config entries, then (utf key, utf value) each: the resolved config
 * utf    field map ({@link FieldMap#toString()})
 * long   payload length, then the algorithm's payload bytes
 * int    CRC32C of every byte above
 * </pre>
 *
 * The checksum is checked before the payload is parsed (ranking payloads are small: weights over the
 * feature space). A reader refuses another magic, a newer version, an unknown algorithm, a config key
 * the algorithm no longer has, a bad checksum and a payload its algorithm does not read to the end.
 */
public final class RankModelFile {
  public static final int MAGIC = 0x464E4C52;
  public static final int VERSION_CURRENT = 1;

  private RankModelFile() {}

  /** Writes atomically: to a temporary sibling, then renamed over {@code path}. */
  public static void write(Path path, RankModel model) throws IOException {
    AtomicFile.write(path, out -> write(out, model));
  }

  public static void write(OutputStream target, RankModel model) throws IOException {
    Checksummed.write(target, out -> {
      out.writeInt(MAGIC);
      out.writeInt(VERSION_CURRENT);
      out.writeUTF(dev.funnel.Version.ENGINE);
      out.writeUTF(model.algorithm());
      BinaryIO.writeStringMap(out, Params.toStrings(model.config()));
      out.writeUTF(model.fields().toString());
      Checksummed.writeSized(out, model::writePayload);
    });
  }

  public static RankModel read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in);
    } catch (IOException e) {
      throw new IOException(path + ": " + e.getMessage(), e);
    }
  }

  public static RankModel read(InputStream source) throws IOException {
    Checksummed.Input checked = new Checksummed.Input(source);
    DataInputStream in = checked.data();
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(String.format("not a Funnel ranking model file (magic 0x%08X, expected 0x%08X)", magic, MAGIC));
    }
    int version = in.readInt();
    if (version < 1 || version > VERSION_CURRENT) {
      throw new IOException("ranking model format version " + version + " is not supported (this engine reads 1.." + VERSION_CURRENT + ")");
    }
    in.readUTF(); // engine
    String algorithm = in.readUTF();
    Map<String, String> config = BinaryIO.readStringMap(in);
    String fieldSpec = in.readUTF();
    long length = in.readLong();
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      throw new IOException("corrupt payload length " + length);
    }
    // readNBytes grows its buffer as bytes arrive, so a damaged length cannot allocate ahead of the data
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      throw new IOException("truncated: payload has " + payload.length + " of " + length + " bytes");
    }
    checked.verify();
    RankAlgorithm<?> trainer;
    try {
      trainer = Registry.rank(algorithm);
    } catch (IllegalArgumentException e) {
      throw new IOException("model file written by algorithm '" + algorithm + "', which this engine does not have: " + e.getMessage(), e);
    }
    ByteArrayInputStream bytes = new ByteArrayInputStream(payload);
    RankModel model = read(trainer, config, FieldMap.parse(fieldSpec), new DataInputStream(bytes));
    if (bytes.available() > 0) {
      throw new IOException("algorithm '" + algorithm + "' left " + bytes.available() + " of " + length + " payload bytes unread");
    }
    return model;
  }

  private static <C extends Record> RankModel read(RankAlgorithm<C> algorithm, Map<String, String> config, FieldMap fields,
      DataInputStream payload) throws IOException {
    C resolved;
    try {
      resolved = Params.bind(algorithm.defaultConfig(), config);
    } catch (IllegalArgumentException e) {
      throw new IOException("stored config of '" + algorithm.name() + "' is not valid for this engine: " + e.getMessage(), e);
    }
    return algorithm.read(payload, resolved, fields);
  }
}
