package dev.funnel.recall;

import dev.funnel.config.Params;
import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.io.AtomicFile;
import dev.funnel.io.BinaryIO;
import dev.funnel.io.Checksummed;
import dev.funnel.registry.Registry;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The recall model file, format version 1 (all numbers big-endian, strings modified UTF-8):
 *
 * <pre>
 * int    magic 0x464E4C4D ("FNLM")
 * int    format version (1)
 * utf    engine version that wrote it
 * utf    algorithm registry name
 * int    number of config entries, then (utf key, utf value) each: the resolved config
 * long   data fingerprint ({@link Interactions#fingerprint()} of the training matrix)
 * idmap  users, idmap items   (int count, then utf external id per dense id)
 * int    numUsers, int numItems
 * int[]  userPtr, int[] userItems, float[] userValues, long[] userTimes   (length-prefixed)
 * long   payload length, then the algorithm's payload bytes
 * int    CRC32C of every byte above
 * </pre>
 *
 * A reader refuses a newer format version, an unknown algorithm, a config key the algorithm no
 * longer has, a fingerprint that does not match the stored matrix, and a bad checksum. The
 * golden-file test keeps this layout stable; bump {@link #VERSION_CURRENT} when it changes and
 * keep reading the old one.
 */
public final class ModelFile {
  public static final int MAGIC = 0x464E4C4D;
  public static final int VERSION_CURRENT = 1;
  /** The file name suffix models are saved with. */
  public static final String SUFFIX = ".fnl";

  private ModelFile() {}

  /** Writes atomically: to a temporary sibling, then renamed over {@code path}. */
  public static void write(Path path, SavedModel saved) throws IOException {
    AtomicFile.write(path, out -> write(out, saved));
  }

  public static void write(OutputStream target, SavedModel saved) throws IOException {
    Checksummed.write(target, out -> {
      RecallModel model = saved.model();
      out.writeInt(MAGIC);
      out.writeInt(VERSION_CURRENT);
      out.writeUTF(saved.engineVersion());
      out.writeUTF(model.algorithm());
      BinaryIO.writeStringMap(out, Params.toStrings(model.config()));
      out.writeLong(saved.dataFingerprint());
      saved.users().writeTo(out);
      saved.items().writeTo(out);
      Interactions m = saved.train();
      out.writeInt(m.numUsers());
      out.writeInt(m.numItems());
      BinaryIO.writeInts(out, m.userPtr());
      BinaryIO.writeInts(out, m.userItems());
      BinaryIO.writeFloats(out, m.userValues());
      BinaryIO.writeLongs(out, m.userTimes());
      Checksummed.writeSized(out, model::writePayload);
    });
  }

  public static SavedModel read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in);
    } catch (IOException e) {
      throw new IOException(path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The user ids of a model file, read from its head only (the id maps come before the training
   * matrix and the model): which users a version was trained on, without loading it. The checksum at
   * the end is not checked.
   */
  public static IdMap readUsers(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
      checkHead(data);
      data.readUTF(); // engine
      data.readUTF(); // algorithm
      int entries = data.readInt();
      for (int n = 0; n < 2 * entries; n++) {
        data.readUTF();
      }
      data.readLong(); // fingerprint
      return IdMap.readFrom(data);
    } catch (IOException e) {
      throw new IOException(path + ": " + e.getMessage(), e);
    }
  }

  private static void checkHead(DataInputStream in) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(String.format("not a Funnel model file (magic 0x%08X, expected 0x%08X)", magic, MAGIC));
    }
    int version = in.readInt();
    if (version < 1 || version > VERSION_CURRENT) {
      throw new IOException("model format version " + version + " is not supported (this engine reads 1.." + VERSION_CURRENT + ")");
    }
  }

  public static SavedModel read(InputStream source) throws IOException {
    Checksummed.Input checked = new Checksummed.Input(source);
    DataInputStream in = checked.data();
    checkHead(in);
    String engine = in.readUTF();
    String algorithm = in.readUTF();
    Map<String, String> config = BinaryIO.readStringMap(in);
    long fingerprint = in.readLong();
    IdMap users = IdMap.readFrom(in);
    IdMap items = IdMap.readFrom(in);
    int numUsers = in.readInt();
    int numItems = in.readInt();
    Interactions train = new Interactions(numUsers, numItems, BinaryIO.readInts(in), BinaryIO.readInts(in),
        BinaryIO.readFloats(in), BinaryIO.readLongs(in));
    if (train.fingerprint() != fingerprint) {
      throw new IOException("training matrix does not match its fingerprint: the file is damaged");
    }
    long payloadLength = in.readLong();
    if (payloadLength < 0) {
      throw new IOException("corrupt payload length " + payloadLength);
    }
    // The payload is parsed straight from the checked stream, not first copied into a byte array:
    // a rollback then allocates the model once, not three times. The checksum is still checked
    // before the model is returned, and a damaged file reports the checksum, not the parse error
    // its damage caused (reads are bounded by the payload, arrays by the bytes left).
    Bounded payload = new Bounded(in, payloadLength);
    RecallModel model = null;
    Exception parseError = null;
    try {
      model = readModel(algorithm, config, new DataInputStream(payload), train);
    } catch (IOException | RuntimeException e) {
      parseError = e;
    }
    long unread = payload.drain();
    if (payload.consumed() < payloadLength) {
      throw new IOException("truncated: payload has " + payload.consumed() + " of " + payloadLength + " bytes");
    }
    checked.verify();
    if (parseError instanceof IOException io) {
      throw io;
    }
    if (parseError != null) {
      throw (RuntimeException) parseError;
    }
    if (unread > 0) {
      throw new IOException("algorithm '" + algorithm + "' left " + unread + " of " + payloadLength + " payload bytes unread");
    }
    return new SavedModel(model, users, items, train, fingerprint, engine);
  }

  private static RecallModel readModel(String algorithm, Map<String, String> config, DataInputStream payload, Interactions train)
      throws IOException {
    RecallAlgorithm<?> trainer;
    try {
      trainer = Registry.recall(algorithm);
    } catch (IllegalArgumentException e) {
      throw new IOException("model file written by algorithm '" + algorithm + "', which this engine does not have: " + e.getMessage(), e);
    }
    return readModel(trainer, config, payload, train);
  }

  private static <C extends Record> RecallModel readModel(RecallAlgorithm<C> algorithm, Map<String, String> config,
      DataInputStream payload, Interactions train) throws IOException {
    C resolved;
    try {
      resolved = Params.bind(algorithm.defaultConfig(), config);
    } catch (IllegalArgumentException e) {
      throw new IOException("stored config of '" + algorithm.name() + "' is not valid for this engine: " + e.getMessage(), e);
    }
    return algorithm.read(payload, resolved, train);
  }

  /** At most {@code limit} bytes of a stream; {@link #available()} never promises more than are left. */
  private static final class Bounded extends FilterInputStream {
    private final long limit;
    private long consumed;

    Bounded(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    long consumed() {
      return consumed;
    }

    /** Reads what the parser left of the payload (so the checksum covers it); returns how many bytes that was. */
    long drain() throws IOException {
      long before = consumed;
      byte[] skip = new byte[8192];
      while (read(skip, 0, skip.length) > 0) {
        // counted by read
      }
      return consumed - before;
    }

    @Override
    public int read() throws IOException {
      if (consumed >= limit) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        consumed++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (consumed >= limit) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, limit - consumed));
      if (n > 0) {
        consumed += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, limit - consumed));
      consumed += Math.max(0, skipped);
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), limit - consumed);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
