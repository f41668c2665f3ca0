package dev.funnel.store.catalog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The binary value encoding of catalog records, format version 1 (see {@code docs/formats.md}). The
 * id is the store's key, not part of the value. Every value starts with its format version byte so
 * a later layout can be read beside this one.
 *
 * <pre>
 * item:  u8 version=1 | u8 flags (1 available, 2 has published_at, 4 has expires_at)
 *        | [i64 published_at] | [i64 expires_at] | strings categories | strings tags | attributes
 * user:  u8 version=1 | attributes
 * strings:    varint n, n x string
 * attributes: varint n, n x (string name, u8 type, value) with type 0 = i64, 1 = f64, 2 = string
 * string:     varint byte length, UTF-8 bytes;  i64/f64: 8 bytes big-endian; varint: unsigned LEB128
 * </pre>
 */
public final class CatalogCodec {
  public static final int VERSION_CURRENT = 1;

  private static final int AVAILABLE = 1;
  private static final int HAS_PUBLISHED = 2;
  private static final int HAS_EXPIRES = 4;
  private static final int LONG = 0;
  private static final int DOUBLE = 1;
  private static final int STRING = 2;

  private CatalogCodec() {}

  /** The store key of an id: its UTF-8 bytes (so byte order is code point order). */
  public static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  public static String id(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }

  public static byte[] encodeItem(ItemRecord item) {
    Writer w = new Writer(64);
    w.u8(VERSION_CURRENT);
    w.u8((item.available() ? AVAILABLE : 0) | (item.publishedAt() != null ? HAS_PUBLISHED : 0)
        | (item.expiresAt() != null ? HAS_EXPIRES : 0));
    if (item.publishedAt() != null) {
      w.i64(item.publishedAt());
    }
    if (item.expiresAt() != null) {
      w.i64(item.expiresAt());
    }
    w.strings(item.categories());
    w.strings(item.tags());
    w.attributes(item.attributes());
    return w.bytes();
  }

  public static ItemRecord decodeItem(String id, byte[] value) {
    Reader r = new Reader("item", id, value);
    r.version();
    int flags = r.u8();
    Long published = (flags & HAS_PUBLISHED) != 0 ? r.i64() : null;
    Long expires = (flags & HAS_EXPIRES) != 0 ? r.i64() : null;
    List<String> categories = r.strings();
    List<String> tags = r.strings();
    Map<String, Object> attributes = r.attributes();
    r.end();
    return new ItemRecord(id, categories, tags, attributes, (flags & AVAILABLE) != 0, published, expires);
  }

  public static byte[] encodeUser(UserRecord user) {
    Writer w = new Writer(16);
    w.u8(VERSION_CURRENT);
    w.attributes(user.attributes());
    return w.bytes();
  }

  public static UserRecord decodeUser(String id, byte[] value) {
    Reader r = new Reader("user", id, value);
    r.version();
    Map<String, Object> attributes = r.attributes();
    r.end();
    return new UserRecord(id, attributes);
  }

  private static final class Writer {
    private byte[] buf;
    private int n;

    Writer(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int more) {
      if (n + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
      }
    }

    void u8(int v) {
      ensure(1);
      buf[n++] = (byte) v;
    }

    void varint(int v) {
      ensure(5);
      while ((v & ~0x7F) != 0) {
        buf[n++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[n++] = (byte) v;
    }

    void i64(long v) {
      ensure(8);
      for (int s = 56; s >= 0; s -= 8) {
        buf[n++] = (byte) (v >>> s);
      }
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, n, b.length);
      n += b.length;
    }

    void strings(List<String> list) {
      varint(list.size());
      for (String s : list) {
        string(s);
      }
    }

    void attributes(Map<String, Object> attributes) {
      varint(attributes.size());
      for (Map.Entry<String, Object> e : attributes.entrySet()) {
        string(e.getKey());
        Object v = e.getValue();
        if (v instanceof Long l) {
          u8(LONG);
          i64(l);
        } else if (v instanceof Double d) {
          u8(DOUBLE);
          i64(Double.doubleToRawLongBits(d));
        } else {
          u8(STRING);
          string((String) v);
        }
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, n);
    }
  }

  private static final class Reader {
    private final String kind;
    private final String id;
    private final byte[] buf;
    private int pos;

    Reader(String kind, String id, byte[] buf) {
      this.kind = kind;
      this.id = id;
      this.buf = buf;
    }

    private IllegalStateException corrupt(String why) {
      return new IllegalStateException("corrupt catalog " + kind + " record; id=" + Fields.quote(id) + ": " + why
          + " at byte " + pos + " of " + buf.length);
    }

    void version() {
      int v = u8();
      if (v < 1 || v > VERSION_CURRENT) {
        throw corrupt("record format version " + v + " is not one this Funnel reads (1.." + VERSION_CURRENT + ")");
      }
    }

    int u8() {
      if (pos >= buf.length) {
        throw corrupt("truncated");
      }
      return buf[pos++] & 0xFF;
    }

    int varint() {
      int v = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        int b = u8();
        v |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          if (v < 0) {
            throw corrupt("negative length " + v);
          }
          return v;
        }
      }
      throw corrupt("varint longer than 5 bytes");
    }

    long i64() {
      if (pos + 8 > buf.length) {
        throw corrupt("truncated");
      }
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (buf[pos++] & 0xFF);
      }
      return v;
    }

    String string() {
      int len = varint();
      if (len > buf.length - pos) {
        throw corrupt("string of " + len + " bytes runs past the end");
      }
      String s = new String(buf, pos, len, StandardCharsets.UTF_8);
      pos += len;
      return s;
    }

    List<String> strings() {
      int count = varint();
      List<String> out = new ArrayList<>(Math.min(count, buf.length));
      for (int i = 0; i < count; i++) {
        out.add(string());
      }
      return out;
    }

    Map<String, Object> attributes() {
      int count = varint();
      TreeMap<String, Object> out = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        String name = string();
        int type = u8();
        out.put(name, switch (type) {
          case LONG -> i64();
          case DOUBLE -> Double.longBitsToDouble(i64());
          case STRING -> string();
          default -> throw corrupt("unknown attribute type " + type);
        });
      }
      return out;
    }

    void end() {
      if (pos != buf.length) {
        throw corrupt((buf.length - pos) + " unexpected trailing bytes");
      }
    }
  }
}
