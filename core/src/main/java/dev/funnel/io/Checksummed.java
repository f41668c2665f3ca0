package dev.funnel.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Files that end in the CRC32C of every byte before it (big-endian int), as the model files are: the
 * writer streams the content through the checksum and appends it; the reader checks it once the
 * content is read.
 */
public final class Checksummed {
  /** Writes content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(DataOutputStream out) throws IOException;
  }

  private Checksummed() {}

  /** Writes {@code content} (buffered), then its CRC32C. */
  public static void write(OutputStream target, Content content) throws IOException {
    CRC32C crc = new CRC32C();
    BufferedOutputStream buffered = new BufferedOutputStream(target, 1 << 16);
    DataOutputStream out = new DataOutputStream(new CheckedOutputStream(buffered, crc));
    content.writeTo(out);
    out.flush();
    new DataOutputStream(buffered).writeInt((int) crc.getValue());
    buffered.flush();
  }

  /** A long byte count, then the bytes {@code content} writes (gathered in memory first to count them). */
  public static void writeSized(DataOutputStream out, Content content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream data = new DataOutputStream(bytes);
    content.writeTo(data);
    data.flush();
    out.writeLong(bytes.size());
    bytes.writeTo(out);
  }

  /** Reads a checksummed stream: {@link #data()} for the content, then {@link #verify()}. */
  public static final class Input {
    private final CRC32C crc = new CRC32C();
    private final BufferedInputStream buffered;
    private final DataInputStream data;

    public Input(InputStream source) {
      buffered = new BufferedInputStream(source, 1 << 16);
      data = new DataInputStream(new CheckedInputStream(buffered, crc));
    }

    /** The content, through the checksum. */
    public DataInputStream data() {
      return data;
    }

    /** Reads the stored checksum after the content read so far; a mismatch says the file is damaged. */
    public void verify() throws IOException {
      int expected = (int) crc.getValue();
      int stored = new DataInputStream(buffered).readInt();
      if (stored != expected) {
        throw new IOException(String.format("checksum mismatch (stored 0x%08X, computed 0x%08X): the file is damaged", stored, expected));
      }
    }
  }
}
