package dev.funnel.store.log;

import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Layout constants of a segment file, format versions 1 to 3 (documented in {@code docs/formats.md}).
 * All fixed-width numbers are big-endian.
 *
 * <pre>
 * header  (20 bytes): magic int "FNLG", format version int, first sequence long, CRC32C int of the 16 bytes before
 * records (repeated): payload length int, CRC32C int of the payload, payload ({@link EventCodec})
 * zero tail (version 3 only, optional): zero bytes to the end of the file
 * </pre>
 */
final class SegmentFormat {
  static final int MAGIC = 0x464E4C47; // "FNLG"
  /** Plain segments: every record an event. The writer writes this version when it does not preallocate. */
  static final int VERSION_1 = 1;
  /**
   * Version 2 = version 1 plus erasure placeholders ({@link EventCodec#FLAG_ERASED}); written only by
   * compaction, for segments holding a placeholder, so logs without erasures stay readable by
   * version-1 builds, which refuse a compacted segment by its version instead of misreading it.
   */
  static final int VERSION_2 = 2;
  /**
   * Version 3 = version 2 plus a zero tail: the writer zero-fills the file ahead of its records
   * ({@link LogConfig#preallocateBytes}), so a record's length prefix of 0 followed by nothing but
   * zero bytes to the end of the file is the clean end of the records, not damage. Older builds
   * refuse such a segment by its version instead of cutting its zeros off as a torn tail.
   */
  static final int VERSION_3 = 3;
  static final int VERSION_CURRENT = VERSION_3;
  static final int HEADER_BYTES = 20;
  static final int RECORD_OVERHEAD = 8;
  static final String SUFFIX = ".log";
  /** Longest payload a reader accepts; a larger length prefix is damage, not a huge allocation. */
  static final int MAX_PAYLOAD = 64 << 20;

  private SegmentFormat() {}

  /** {@code 00000000000000000001.log}: the first sequence, zero-padded to 20 digits so names sort by sequence. */
  static String fileName(long firstSequence) {
    String digits = Long.toString(firstSequence);
    return "0".repeat(20 - digits.length()) + digits + SUFFIX;
  }

  /** The first sequence a segment file name promises, or -1 when the name is not a segment's. */
  static long parseFileName(Path file) {
    String name = file.getFileName().toString();
    if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < 20; i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  static void writeHeader(byte[] b, long firstSequence) {
    writeHeader(b, firstSequence, VERSION_1);
  }

  static void writeHeader(byte[] b, long firstSequence, int version) {
    putInt(b, 0, MAGIC);
    putInt(b, 4, version);
    putLong(b, 8, firstSequence);
    CRC32C crc = new CRC32C();
    crc.update(b, 0, 16);
    putInt(b, 16, (int) crc.getValue());
  }

  /** Checks a complete header against the file name and returns its format version; throws {@link LogFormatException} naming what is wrong. */
  static int checkHeader(byte[] b, Path file, long expectedFirstSequence) {
    int magic = getInt(b, 0);
    if (magic != MAGIC) {
      throw new LogFormatException(file, 0, String.format("not an event log segment: magic 0x%08X, expected 0x%08X (\"FNLG\")", magic, MAGIC));
    }
    int version = getInt(b, 4);
    if (version < VERSION_1 || version > VERSION_CURRENT) {
      throw new LogFormatException(file, 4, "segment format version " + version + " is not readable by this build, which reads versions 1 to "
          + VERSION_CURRENT + (version > VERSION_CURRENT ? " (written by a newer Funnel?)" : ""));
    }
    CRC32C crc = new CRC32C();
    crc.update(b, 0, 16);
    if ((int) crc.getValue() != getInt(b, 16)) {
      throw new LogFormatException(file, 16, "header checksum mismatch");
    }
    long first = getLong(b, 8);
    if (first != expectedFirstSequence) {
      throw new LogFormatException(file, 8, "header says first sequence " + first + " but the file name says " + expectedFirstSequence);
    }
    return version;
  }

  static void putInt(byte[] b, int pos, int v) {
    b[pos] = (byte) (v >>> 24);
    b[pos + 1] = (byte) (v >>> 16);
    b[pos + 2] = (byte) (v >>> 8);
    b[pos + 3] = (byte) v;
  }

  static void putLong(byte[] b, int pos, long v) {
    putInt(b, pos, (int) (v >>> 32));
    putInt(b, pos + 4, (int) v);
  }

  static int getInt(byte[] b, int pos) {
    return ((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
  }

  static long getLong(byte[] b, int pos) {
    return ((long) getInt(b, pos) << 32) | (getInt(b, pos + 4) & 0xFFFFFFFFL);
  }
}
