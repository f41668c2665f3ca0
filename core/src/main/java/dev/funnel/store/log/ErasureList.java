package dev.funnel.store.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The durable list of pending erasures of a log directory, file {@code erasures} (layout in
 * {@code docs/formats.md}, "Erasure list"): per erased user, the sequence through which their events
 * are erased. {@link EventLog#replay} skips those events while compaction has not yet removed them
 * from the segments; once it has, the entries are dropped again, so the list holds only erasures
 * still in progress.
 *
 * <pre>
 * header  (12 bytes): magic int "FNER", version int 1, CRC32C int of the 8 bytes before
 * records (repeated): payload length int, CRC32C int of the payload, payload = varint through-sequence, string user
 * </pre>
 *
 * <p>{@link #add} appends one record and forces it before returning, so an erasure once confirmed is
 * never forgotten. A torn last record (a crash during {@link #add}, never confirmed) is cut at open;
 * damage before the last record refuses the open, since cutting there could forget a confirmed
 * erasure. {@link #removeApplied} rewrites the file atomically (temporary file, fsync, rename,
 * directory fsync). Thread-safe.
 */
final class ErasureList {
  static final String FILE = "erasures";
  static final String TEMP = "erasures.tmp";
  static final int MAGIC = 0x464E4552; // "FNER"
  static final int VERSION = 1;
  static final int HEADER_BYTES = 12;

  private final Path dir;
  private final Path file;
  private FileChannel channel;
  /** Immutable; replaced on change, so readers take a consistent snapshot without locking. */
  private volatile Map<String, Long> entries;
  private final String recovered;

  private ErasureList(Path dir, FileChannel channel, Map<String, Long> entries, String recovered) {
    this.dir = dir;
    this.file = dir.resolve(FILE);
    this.channel = channel;
    this.entries = Map.copyOf(entries);
    this.recovered = recovered;
  }

  /** Opens (creating when absent) the list in the log directory; cuts a torn last record. */
  static ErasureList open(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(TEMP)); // a rewrite that crashed before its rename: the old file is whole
    Path file = dir.resolve(FILE);
    if (!Files.exists(file) || Files.size(file) < HEADER_BYTES) {
      // Absent, or created by a crash before its header was synced (no record was ever confirmed then).
      writeFile(dir, Map.of());
    }
    byte[] all = Files.readAllBytes(file);
    checkHeader(all, file);
    Map<String, Long> entries = new HashMap<>();
    int pos = HEADER_BYTES;
    String recovered = null;
    CRC32C crc = new CRC32C();
    while (pos < all.length) {
      String bad = null;
      int length = all.length - pos >= 8 ? SegmentFormat.getInt(all, pos) : -1;
      if (length <= 0 || length > all.length - pos - 8) {
        bad = length == -1 ? "torn record header" : "bad or torn length " + length;
      } else {
        crc.reset();
        crc.update(all, pos + 8, length);
        if ((int) crc.getValue() != SegmentFormat.getInt(all, pos + 4)) {
          bad = "CRC32C mismatch";
        }
      }
      if (bad != null) {
        boolean last = length <= 0 || length > all.length - pos - 8 || pos + 8 + length == all.length;
        if (!last) {
          throw new LogFormatException(file, pos, "erasure list damaged before its last record (" + bad + "); refusing to drop confirmed erasures");
        }
        recovered = "cut a torn last record at offset " + pos + " (" + bad + ", " + (all.length - pos) + " bytes; never confirmed)";
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(pos);
          ch.force(false);
        }
        break;
      }
      int[] cursor = {pos + 8};
      int end = pos + 8 + length;
      try {
        long through = varLong(all, cursor, end);
        long n = varLong(all, cursor, end);
        if (n < 0 || n != end - cursor[0]) {
          throw new IllegalStateException("user length " + n + " does not fill the record");
        }
        String user = new String(all, cursor[0], (int) n, StandardCharsets.UTF_8);
        entries.merge(user, through, Math::max);
      } catch (IllegalStateException e) {
        throw new LogFormatException(file, pos, "erasure record does not decode: " + e.getMessage());
      }
      pos = end;
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
    ch.position(ch.size());
    return new ErasureList(dir, ch, entries, recovered);
  }

  private static void checkHeader(byte[] all, Path file) {
    if (SegmentFormat.getInt(all, 0) != MAGIC) {
      throw new LogFormatException(file, 0, String.format("not an erasure list: magic 0x%08X, expected 0x%08X (\"FNER\")", SegmentFormat.getInt(all, 0),
          MAGIC));
    }
    int version = SegmentFormat.getInt(all, 4);
    if (version != VERSION) {
      throw new LogFormatException(file, 4, "erasure list version " + version + " is not readable by this build, which reads version " + VERSION);
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, 8);
    if ((int) crc.getValue() != SegmentFormat.getInt(all, 8)) {
      throw new LogFormatException(file, 8, "erasure list header checksum mismatch");
    }
  }

  private static long varLong(byte[] b, int[] cursor, int end) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (cursor[0] >= end) {
        throw new IllegalStateException("varint runs past the record");
      }
      int x = b[cursor[0]++] & 0xFF;
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalStateException("varint longer than 10 bytes");
  }

  private static byte[] record(String user, long through) {
    byte[] b = new byte[8 + 10 + 5 + 3 * user.length()];
    int end = EventCodec.putString(b, EventCodec.putVarLong(b, 8, through), user);
    int length = end - 8;
    CRC32C crc = new CRC32C();
    crc.update(b, 8, length);
    SegmentFormat.putInt(b, 0, length);
    SegmentFormat.putInt(b, 4, (int) crc.getValue());
    return java.util.Arrays.copyOf(b, end);
  }

  /** Writes a whole list atomically: temporary file, fsync, rename over {@code erasures}, directory fsync. */
  private static void writeFile(Path dir, Map<String, Long> entries) throws IOException {
    Path tmp = dir.resolve(TEMP);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      byte[] h = new byte[HEADER_BYTES];
      SegmentFormat.putInt(h, 0, MAGIC);
      SegmentFormat.putInt(h, 4, VERSION);
      CRC32C crc = new CRC32C();
      crc.update(h, 0, 8);
      SegmentFormat.putInt(h, 8, (int) crc.getValue());
      write(ch, h);
      for (Map.Entry<String, Long> e : new java.util.TreeMap<>(entries).entrySet()) {
        write(ch, record(e.getKey(), e.getValue()));
      }
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    EventLog.forceDirectory(dir);
  }

  private static void write(FileChannel ch, byte[] b) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(b);
    while (bb.hasRemaining()) {
      ch.write(bb);
    }
  }

  /** Records durably that {@code user}'s events through sequence {@code through} are erased; returns after fsync. */
  synchronized void add(String user, long through) {
    try {
      write(channel, record(user, through));
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the erasure of user '" + user + "' in " + file, e);
    }
    Map<String, Long> next = new HashMap<>(entries);
    next.merge(user, through, Math::max);
    entries = Map.copyOf(next);
  }

  /** Drops the entries of {@code applied} whose erasure compaction has completed (unless a later erasure of the same user raised the bound). */
  synchronized void removeApplied(Map<String, Long> applied) {
    Map<String, Long> next = new HashMap<>(entries);
    applied.forEach((user, through) -> next.remove(user, through));
    if (next.size() == entries.size()) {
      return;
    }
    try {
      channel.close();
      writeFile(dir, next);
      channel = FileChannel.open(file, StandardOpenOption.WRITE);
      channel.position(channel.size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite the erasure list " + file, e);
    }
    entries = Map.copyOf(next);
  }

  /** The pending erasures: user -> sequence through which their events are erased. Immutable snapshot. */
  Map<String, Long> snapshot() {
    return entries;
  }

  /** What {@link #open} repaired, or null. */
  String recovered() {
    return recovered;
  }

  synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Every confirmed record was forced.
    }
  }
}
