package dev.funnel.store.log;

import dev.funnel.store.Event;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The record payload of segment format version 1: one {@link Event} with its sequence number (see
 * {@code docs/formats.md}, "Event log segment, format version 1").
 *
 * <pre>
 * sequence   unsigned varint (LEB128)
 * flags      byte: 1 = id, 2 = value, 4 = request id, 8 = context
 * timestamp  zig-zag varint
 * user, item, type          string (unsigned varint byte length, then UTF-8)
 * id         string, when flag 1
 * value      4 bytes, IEEE 754 float bits, big-endian, when flag 2
 * request id string, when flag 4
 * context    varint n, then n x (key string, value string), keys in String order, when flag 8
 * </pre>
 *
 * <p>Encoding writes straight into the caller's byte array (no per-event garbage except when a
 * context has two or more keys, which are sorted so the same event always gives the same bytes).
 * An unpaired surrogate encodes as {@code '?'}, as {@link String#getBytes} does.
 */
final class EventCodec {
  static final int FLAG_ID = 1;
  static final int FLAG_VALUE = 2;
  static final int FLAG_REQUEST_ID = 4;
  static final int FLAG_CONTEXT = 8;
  /**
   * Format version 2 only: the record is an erasure placeholder, payload {@code sequence, flags}
   * and nothing else. Compaction writes it in place of an erased event so sequences stay gap-free.
   */
  static final int FLAG_ERASED = 16;
  private static final int KNOWN_FLAGS = FLAG_ID | FLAG_VALUE | FLAG_REQUEST_ID | FLAG_CONTEXT;

  private EventCodec() {}

  /**
   * An upper bound of the encoded payload size: varints of at most 10 bytes, at most 3 UTF-8
   * bytes per UTF-16 char (a surrogate pair is 2 chars, 4 bytes) and 5 length bytes per string.
   */
  static int maxEncodedSize(Event e) {
    long n = 10 + 1 + 10 + 4 + maxString(e.user()) + maxString(e.item()) + maxString(e.type());
    if (e.id() != null) {
      n += maxString(e.id());
    }
    if (e.requestId() != null) {
      n += maxString(e.requestId());
    }
    if (!e.context().isEmpty()) {
      n += 5;
      for (Map.Entry<String, String> c : e.context().entrySet()) {
        n += maxString(c.getKey()) + maxString(c.getValue());
      }
    }
    if (n > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("event too large to log: about " + n + " bytes; user=" + e.user() + ", item=" + e.item());
    }
    return (int) n;
  }

  private static long maxString(String s) {
    return 5 + 3L * s.length();
  }

  /** Writes the payload at {@code pos}; the array must hold {@link #maxEncodedSize} bytes from there. Returns the end. */
  static int encode(long sequence, Event e, byte[] b, int pos) {
    pos = putVarLong(b, pos, sequence);
    int flags = (e.id() != null ? FLAG_ID : 0) | (e.hasValue() ? FLAG_VALUE : 0) | (e.requestId() != null ? FLAG_REQUEST_ID : 0)
        | (e.context().isEmpty() ? 0 : FLAG_CONTEXT);
    b[pos++] = (byte) flags;
    long ts = e.timestamp();
    pos = putVarLong(b, pos, (ts << 1) ^ (ts >> 63));
    pos = putString(b, pos, e.user());
    pos = putString(b, pos, e.item());
    pos = putString(b, pos, e.type());
    if (e.id() != null) {
      pos = putString(b, pos, e.id());
    }
    if (e.hasValue()) {
      int v = Float.floatToRawIntBits(e.value());
      b[pos] = (byte) (v >>> 24);
      b[pos + 1] = (byte) (v >>> 16);
      b[pos + 2] = (byte) (v >>> 8);
      b[pos + 3] = (byte) v;
      pos += 4;
    }
    if (e.requestId() != null) {
      pos = putString(b, pos, e.requestId());
    }
    Map<String, String> context = e.context();
    if (!context.isEmpty()) {
      pos = putVarLong(b, pos, context.size());
      if (context.size() == 1) {
        Map.Entry<String, String> only = context.entrySet().iterator().next();
        pos = putString(b, pos, only.getKey());
        pos = putString(b, pos, only.getValue());
      } else {
        String[] keys = context.keySet().toArray(new String[0]);
        Arrays.sort(keys);
        for (String k : keys) {
          pos = putString(b, pos, k);
          pos = putString(b, pos, context.get(k));
        }
      }
    }
    return pos;
  }

  /** Writes an erasure placeholder's payload (sequence, {@link #FLAG_ERASED}) at {@code pos}; returns the end (at most 11 bytes on). */
  static int encodeErased(long sequence, byte[] b, int pos) {
    pos = putVarLong(b, pos, sequence);
    b[pos++] = (byte) FLAG_ERASED;
    return pos;
  }

  static int putVarLong(byte[] b, int pos, long v) {
    while ((v & ~0x7FL) != 0) {
      b[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[pos++] = (byte) v;
    return pos;
  }

  private static int varIntSize(int v) {
    return v < (1 << 7) ? 1 : v < (1 << 14) ? 2 : v < (1 << 21) ? 3 : v < (1 << 28) ? 4 : 5;
  }

  /**
   * Writes the UTF-8 bytes one past a one-byte length guess, then moves them if the length needs
   * more varint bytes: one pass over the chars, no intermediate array.
   */
  static int putString(byte[] b, int pos, String s) {
    int start = pos + 1;
    int p = start;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        char low = i + 1 < n ? s.charAt(i + 1) : 0;
        if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low)) {
          int cp = Character.toCodePoint(c, low);
          i++;
          b[p++] = (byte) (0xF0 | (cp >> 18));
          b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          b[p++] = '?';
        }
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    int len = p - start;
    int lenBytes = varIntSize(len);
    if (lenBytes > 1) {
      System.arraycopy(b, start, b, start + lenBytes - 1, len);
    }
    putVarLong(b, pos, len);
    return pos + lenBytes + len;
  }

  /** Reads payloads; holds the cursor so decoding allocates only the strings and the event. */
  static final class Decoder {
    private byte[] b;
    private int pos;
    private int end;

    Decoder reset(byte[] buffer, int offset, int length) {
      this.b = buffer;
      this.pos = offset;
      this.end = offset + length;
      return this;
    }

    long sequence() {
      return varLong();
    }

    /**
     * After {@link #sequence()}: whether the rest is exactly an erasure placeholder's flags byte.
     * Does not move the cursor.
     */
    boolean erasedPlaceholder() {
      return end - pos == 1 && (b[pos] & 0xFF) == FLAG_ERASED;
    }

    /** Decodes the rest of the payload after {@link #sequence()}; throws {@link IllegalStateException} when it does not parse. */
    Event event() {
      int flags = byteAt();
      if ((flags & ~KNOWN_FLAGS) != 0) {
        throw new IllegalStateException("unknown flags 0x" + Integer.toHexString(flags));
      }
      long z = varLong();
      long ts = (z >>> 1) ^ -(z & 1);
      String user = string();
      String item = string();
      String type = string();
      String id = (flags & FLAG_ID) != 0 ? string() : null;
      float value = Float.NaN;
      if ((flags & FLAG_VALUE) != 0) {
        need(4);
        value = Float.intBitsToFloat(((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF));
        pos += 4;
      }
      String requestId = (flags & FLAG_REQUEST_ID) != 0 ? string() : null;
      Map<String, String> context = Map.of();
      if ((flags & FLAG_CONTEXT) != 0) {
        long n = varLong();
        if (n <= 0 || n > end - pos) {
          throw new IllegalStateException("bad context size " + n);
        }
        Map<String, String> m = new HashMap<>((int) (n * 2));
        for (long k = 0; k < n; k++) {
          m.put(string(), string());
        }
        context = m;
      }
      if (pos != end) {
        throw new IllegalStateException((end - pos) + " bytes left after the event");
      }
      try {
        return new Event(id, user, item, type, ts, value, requestId, context);
      } catch (IllegalArgumentException bad) {
        throw new IllegalStateException(bad.getMessage());
      }
    }

    private void need(int n) {
      if (end - pos < n) {
        throw new IllegalStateException("payload ends early: " + n + " more bytes needed at payload byte " + pos);
      }
    }

    private int byteAt() {
      need(1);
      return b[pos++] & 0xFF;
    }

    private long varLong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int x = byteAt();
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalStateException("varint longer than 10 bytes");
    }

    private String string() {
      long len = varLong();
      if (len < 0 || len > end - pos) {
        throw new IllegalStateException("string length " + len + " exceeds the payload");
      }
      String s = new String(b, pos, (int) len, StandardCharsets.UTF_8);
      pos += (int) len;
      return s;
    }
  }
}
