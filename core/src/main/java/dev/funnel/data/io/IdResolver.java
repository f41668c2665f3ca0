package dev.funnel.data.io;

import dev.funnel.data.IdMap;
import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * Turns id bytes into dense ids of an {@link IdMap}. Canonical decimal ids (no sign, no leading
 * zero, below {@value #CACHE_LIMIT}) go through an int-indexed cache, so the common numeric-id
 * files make no String per token after the first sight of an id. Any other id is looked up as a
 * String. The cache only repeats answers the map gave, so it never disagrees with it.
 */
final class IdResolver {
  static final int CACHE_LIMIT = 1 << 22;

  private final IdMap map;
  private final Charset charset;
  private int[] byNumber = new int[0];

  IdResolver(IdMap map, Charset charset) {
    this.map = map;
    this.charset = charset;
  }

  int resolve(byte[] buf, int from, int to) {
    int n = canonicalNumber(buf, from, to);
    if (n >= 0) {
      if (n < byNumber.length) {
        int id = byNumber[n];
        if (id >= 0) {
          return id;
        }
      } else {
        int old = byNumber.length;
        byNumber = Arrays.copyOf(byNumber, Math.min(CACHE_LIMIT, Math.max(n + 1, old * 2)));
        Arrays.fill(byNumber, old, byNumber.length, -1);
      }
      int id = map.getOrAdd(new String(buf, from, to - from, charset));
      byNumber[n] = id;
      return id;
    }
    return map.getOrAdd(new String(buf, from, to - from, charset));
  }

  /** The value of a canonical decimal below the cache limit, else -1. */
  static int canonicalNumber(byte[] buf, int from, int to) {
    int len = to - from;
    if (len <= 0 || len > 7 || (buf[from] == '0' && len > 1)) {
      return -1;
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      int d = buf[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      n = n * 10 + d;
    }
    return n < CACHE_LIMIT ? n : -1;
  }
}
