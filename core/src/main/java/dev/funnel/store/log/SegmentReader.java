package dev.funnel.store.log;

import dev.funnel.store.Event;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Walks the records of one segment file in order, checking each one's framing, CRC32C and
 * sequence. {@link #next()} returns false at the clean end or at the first damaged record; then
 * {@link #damage()} says why (null at a clean end) and {@link #recordOffset()} where. The clean end is
 * the end of the file or, in a version-3 segment, a zero tail: a length prefix of 0 with nothing but
 * zero bytes after it ({@link #zeroTail()}: the writer's preallocated space).
 */
final class SegmentReader implements Closeable {
  private final Path file;
  private final FileChannel channel;
  private final long size;
  private final CRC32C crc = new CRC32C();
  private final EventCodec.Decoder decoder = new EventCodec.Decoder();
  private byte[] buf = new byte[256 << 10];
  private int pos;
  private int limit;
  private long bufStart; // file offset of buf[0]
  private long nextSequence;
  private long sequence;
  private long recordOffset;
  private int payloadOffset;
  private int payloadLength;
  private String damage;
  private final int version;
  private boolean erased;
  private boolean zeroTail;

  /** Opens a segment whose header must be complete; checks it against the name's first sequence. */
  SegmentReader(Path file, long firstSequence) {
    this.file = file;
    try {
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
      this.size = channel.size();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open event log segment " + file, e);
    }
    try {
      if (size < SegmentFormat.HEADER_BYTES) {
        throw new LogFormatException(file, 0, "missing header: the file has " + size + " bytes, a header needs " + SegmentFormat.HEADER_BYTES);
      }
      fill(SegmentFormat.HEADER_BYTES);
      this.version = SegmentFormat.checkHeader(buf, file, firstSequence);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    pos = SegmentFormat.HEADER_BYTES;
    nextSequence = firstSequence;
  }

  /** Advances to the next intact record; false at the end of the file or at damage (see {@link #damage()}). */
  boolean next() {
    recordOffset = bufStart + pos;
    long remaining = size - recordOffset;
    if (remaining == 0 || damage != null || zeroTail) {
      return false;
    }
    if (remaining < SegmentFormat.RECORD_OVERHEAD) {
      if (version >= SegmentFormat.VERSION_3 && zeroTo(size, recordOffset)) {
        zeroTail = true; // the last few preallocated bytes
        return false;
      }
      return damaged("torn record header: " + remaining + " of " + SegmentFormat.RECORD_OVERHEAD + " bytes");
    }
    fill(SegmentFormat.RECORD_OVERHEAD);
    int length = SegmentFormat.getInt(buf, pos);
    int stored = SegmentFormat.getInt(buf, pos + 4);
    if (length == 0 && stored == 0 && version >= SegmentFormat.VERSION_3 && zeroTo(size, recordOffset + SegmentFormat.RECORD_OVERHEAD)) {
      zeroTail = true; // preallocated space: the records end here
      return false;
    }
    if (length <= 0 || length > SegmentFormat.MAX_PAYLOAD) {
      return damaged("bad payload length " + length);
    }
    if (length > remaining - SegmentFormat.RECORD_OVERHEAD) {
      return damaged("torn record: payload length " + length + " but only " + (remaining - SegmentFormat.RECORD_OVERHEAD) + " bytes follow");
    }
    fill(SegmentFormat.RECORD_OVERHEAD + length);
    int start = pos + SegmentFormat.RECORD_OVERHEAD;
    crc.reset();
    crc.update(buf, start, length);
    int computed = (int) crc.getValue();
    if (computed != stored) {
      return damaged(String.format("CRC32C mismatch: stored 0x%08X, computed 0x%08X", stored, computed));
    }
    long s;
    try {
      s = decoder.reset(buf, start, length).sequence();
    } catch (IllegalStateException e) {
      return damaged("payload does not decode: " + e.getMessage());
    }
    erased = version >= 2 && decoder.erasedPlaceholder();
    if (s != nextSequence) {
      return damaged("sequence " + s + " where " + nextSequence + " was expected");
    }
    sequence = s;
    payloadOffset = start;
    payloadLength = length;
    pos = start + length;
    nextSequence++;
    return true;
  }

  /** Whether every byte of the file from {@code from} to {@code end} is zero (read in blocks past the buffer). */
  private boolean zeroTo(long end, long from) {
    ByteBuffer block = ByteBuffer.allocate(64 << 10);
    try {
      for (long at = from; at < end; ) {
        block.clear().limit((int) Math.min(block.capacity(), end - at));
        int read = channel.read(block, at);
        if (read < 0) {
          throw new LogFormatException(file, at, "file shrank while being read");
        }
        for (int i = 0; i < read; i++) {
          if (block.get(i) != 0) {
            return false;
          }
        }
        at += read;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read event log segment " + file, e);
    }
    return true;
  }

  private boolean damaged(String reason) {
    damage = reason;
    return false;
  }

  /** Whether the current record is an erasure placeholder (no event; format version 2). */
  boolean erased() {
    return erased;
  }

  /** Whether the records ended at a zero tail (version 3's preallocated space) rather than at the end of the file. */
  boolean zeroTail() {
    return zeroTail;
  }

  /** The segment's format version (1 to 3). */
  int version() {
    return version;
  }

  /** The current record's payload bytes live in {@link #buffer()} from here, until the next {@link #next()}. */
  int payloadOffset() {
    return payloadOffset;
  }

  int payloadLength() {
    return payloadLength;
  }

  byte[] buffer() {
    return buf;
  }

  /** Decodes the current record's event; damage in an intact-CRC payload is a {@link LogFormatException}. */
  Event event() {
    if (erased) {
      throw new IllegalStateException("record " + sequence + " of " + file + " is an erasure placeholder");
    }
    try {
      decoder.reset(buf, payloadOffset, payloadLength).sequence();
      return decoder.event();
    } catch (IllegalStateException e) {
      throw new LogFormatException(file, recordOffset, "record " + sequence + " does not decode: " + e.getMessage());
    }
  }

  long sequence() {
    return sequence;
  }

  /** The sequence the next record must carry. */
  long nextSequence() {
    return nextSequence;
  }

  /** File offset of the current record, or after a false {@link #next()}, of the end or the damage. */
  long recordOffset() {
    return recordOffset;
  }

  String damage() {
    return damage;
  }

  long size() {
    return size;
  }

  /** Makes at least {@code n} bytes available from {@code pos}; the caller checked the file holds them. */
  private void fill(int n) {
    if (limit - pos >= n) {
      return;
    }
    if (buf.length < n) {
      byte[] bigger = new byte[Math.max(n, buf.length * 2)];
      System.arraycopy(buf, pos, bigger, 0, limit - pos);
      buf = bigger;
    } else {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
    }
    bufStart += pos;
    limit -= pos;
    pos = 0;
    try {
      while (limit < n) {
        int read = channel.read(ByteBuffer.wrap(buf, limit, buf.length - limit), bufStart + limit);
        if (read < 0) {
          throw new LogFormatException(file, bufStart + limit, "file shrank while being read");
        }
        limit += read;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read event log segment " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
