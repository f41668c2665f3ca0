package dev.funnel.pipeline.attribution;

import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.Feedback;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Joins impressions and clicks back to the responses that showed them. Each served page is
 * remembered by its {@code request_id} (scene, experiment variant, and per item its position and the
 * channels that proposed it); an impression or click event carrying that id then counts for every
 * channel that proposed the item, for the item's position, and for the variant, and reaches the
 * learning stage that placed the item ({@link Feedback}).
 *
 * <p>Bounded: at most {@code maxRequests} pages, each forgotten {@code ttlMillis} after it was served
 * (the oldest go first); events for a forgotten id are counted as unmatched. Counters are per
 * (scene, channel), per (scene, position) with positions at or past {@value #POSITIONS} in one
 * bucket, and per (experiment, variant): their number is bounded by the scene files. Each item's
 * impression and click count once per request (a repeated event is a duplicate); a click without an
 * impression counts the impression too, so CTR never exceeds 1. Thread-safe.
 */
public final class Attribution {
  /** Positions counted one by one; deeper ones share the last bucket. */
  public static final int POSITIONS = 50;

  /** How one event was taken. */
  public enum Outcome { ATTRIBUTED, DUPLICATE, UNKNOWN_REQUEST, NOT_SHOWN }

  /** Impressions and clicks of one key; {@code ctr} is clicks / impressions (0 without impressions). */
  public record Counts(long impressions, long clicks) {
    public double ctr() {
      return impressions == 0 ? 0 : (double) clicks / impressions;
    }
  }

  private static final class Pair {
    final LongAdder impressions = new LongAdder();
    final LongAdder clicks = new LongAdder();

    Counts counts() {
      return new Counts(impressions.sum(), clicks.sum());
    }
  }

  /**
   * One remembered page, kept compact: a live server remembers the last {@code maxRequests} pages
   * (tens of thousands), which survive young collections and are copied by each until promoted, so
   * their bytes and object count set the pause length. Positions are {@code offset + i}, the
   * channel lists are shared between items and pages ({@link #interned}), feedback is allocated only
   * when an item carries one.
   */
  private static final class Shown {
    final String scene;
    final String experiment;
    final String variant;
    final long at;
    final int offset;
    final String[] items;
    final String[][] channels;
    final Feedback[] feedback;
    final byte[] seen; // bit 0: impression counted, bit 1: click counted

    Shown(String scene, String experiment, String variant, long at, int offset, List<Candidate> page, Attribution owner) {
      this.scene = scene;
      this.experiment = experiment;
      this.variant = variant;
      this.at = at;
      this.offset = offset;
      int n = page.size();
      items = new String[n];
      channels = new String[n][];
      seen = new byte[n];
      Feedback[] fb = null;
      for (int i = 0; i < n; i++) {
        Candidate c = page.get(i);
        items[i] = c.item();
        channels[i] = owner.interned(c);
        if (c.feedback() != null) {
          if (fb == null) {
            fb = new Feedback[n];
          }
          fb[i] = c.feedback();
        }
      }
      feedback = fb;
    }

    int indexOf(String item) {
      for (int i = 0; i < items.length; i++) {
        if (items[i].equals(item)) {
          return i;
        }
      }
      return -1;
    }
  }

  private final int maxRequests;
  private final long ttlMillis;
  private final LongSupplier clock;
  private final LinkedHashMap<String, Shown> pages = new LinkedHashMap<>();
  private final Map<String, Pair> byChannel = new ConcurrentHashMap<>();
  private final Map<String, Pair> byPosition = new ConcurrentHashMap<>();
  private final Map<String, Pair> byVariant = new ConcurrentHashMap<>();
  private final Map<Outcome, LongAdder> outcomes = new ConcurrentHashMap<>();

  /**
   * @param maxRequests pages remembered at most (&gt;= 1)
   * @param ttlMillis how long a page is remembered (&gt;= 1)
   */
  public Attribution(int maxRequests, long ttlMillis, LongSupplier clock) {
    if (maxRequests < 1) {
      throw new IllegalArgumentException("maxRequests must be positive; maxRequests=" + maxRequests);
    }
    if (ttlMillis < 1) {
      throw new IllegalArgumentException("ttlMillis must be positive; ttlMillis=" + ttlMillis);
    }
    this.maxRequests = maxRequests;
    this.ttlMillis = ttlMillis;
    this.clock = Objects.requireNonNull(clock, "clock");
    for (Outcome o : Outcome.values()) {
      outcomes.put(o, new LongAdder());
    }
  }

  /**
   * Remembers a served page.
   *
   * @param experiment the experiment the scene belongs to, or null
   * @param variant its variant, or null
   * @param offset the page's first absolute position
   */
  public void shown(String requestId, String scene, String experiment, String variant, int offset, List<Candidate> page) {
    Shown s = new Shown(scene, experiment, variant, clock.getAsLong(), offset, page, this);
    synchronized (pages) {
      pages.put(requestId, s);
      expire(s.at);
    }
    if (experiment != null) {
      pair(byVariant, experiment + '\u0000' + variant); // a variant with traffic but no events yet still reports
    }
  }

  /** An impression ({@code click == false}) or click of {@code item} in the response {@code requestId}. */
  public Outcome event(String requestId, String item, boolean click) {
    Shown s;
    synchronized (pages) {
      expire(clock.getAsLong());
      s = pages.get(requestId);
    }
    Outcome o;
    if (s == null) {
      o = Outcome.UNKNOWN_REQUEST;
    } else {
      int i = s.indexOf(item);
      if (i < 0) {
        o = Outcome.NOT_SHOWN;
      } else {
        boolean impression;
        boolean clicked;
        synchronized (s) {
          int before = s.seen[i];
          int after = before | 1 | (click ? 2 : 0);
          s.seen[i] = (byte) after;
          impression = (before & 1) == 0;
          clicked = click && (before & 2) == 0;
        }
        if (!impression && !clicked) {
          o = Outcome.DUPLICATE;
        } else {
          count(s, i, impression, clicked);
          o = Outcome.ATTRIBUTED;
        }
      }
    }
    outcomes.get(o).increment();
    return o;
  }

  private void count(Shown s, int i, boolean impression, boolean click) {
    List<Pair> pairs = new ArrayList<>(s.channels[i].length + 2);
    for (String ch : s.channels[i]) {
      pairs.add(pair(byChannel, s.scene + '\u0000' + ch));
    }
    pairs.add(pair(byPosition, s.scene + '\u0000' + Math.min(s.offset + i, POSITIONS)));
    if (s.experiment != null) {
      pairs.add(pair(byVariant, s.experiment + '\u0000' + s.variant));
    }
    for (Pair p : pairs) {
      if (impression) {
        p.impressions.increment();
      }
      if (click) {
        p.clicks.increment();
      }
    }
    Feedback f = s.feedback == null ? null : s.feedback[i];
    if (f != null) {
      if (impression) {
        f.impression();
      }
      if (click) {
        f.click();
      }
    }
  }

  /**
   * Distinct channel lists seen so far (a scene has few combinations), shared by every remembered item,
   * keyed by the list's hash: one lookup per item, whatever the number of lists known.
   */
  private final ConcurrentHashMap<Integer, String[]> channelLists = new ConcurrentHashMap<>();
  private static final int MAX_CHANNEL_LISTS = 1024;

  /**
   * The candidate's channel names as a shared array; a fresh copy on a hash collision or once
   * {@value #MAX_CHANNEL_LISTS} lists are known.
   */
  private String[] interned(Candidate c) {
    int n = c.channelCount();
    int h = n;
    for (int j = 0; j < n; j++) {
      h = 31 * h + c.channel(j).hashCode();
    }
    String[] found = channelLists.get(h);
    if (found != null && sameNames(found, c)) {
      return found;
    }
    String[] names = c.channelNames();
    if (found == null && channelLists.size() < MAX_CHANNEL_LISTS) {
      String[] raced = channelLists.putIfAbsent(h, names);
      if (raced != null && sameNames(raced, c)) {
        return raced;
      }
    }
    return names;
  }

  private static boolean sameNames(String[] list, Candidate c) {
    int n = c.channelCount();
    if (list.length != n) {
      return false;
    }
    for (int j = 0; j < n; j++) {
      if (!list[j].equals(c.channel(j))) {
        return false;
      }
    }
    return true;
  }

  private static Pair pair(Map<String, Pair> m, String key) {
    return m.computeIfAbsent(key, k -> new Pair());
  }

  private void expire(long now) {
    Iterator<Shown> it = pages.values().iterator();
    while (it.hasNext()) {
      Shown oldest = it.next();
      if (pages.size() > maxRequests || now - oldest.at >= ttlMillis) {
        it.remove();
      } else {
        break;
      }
    }
  }

  /** Pages remembered now. */
  public int remembered() {
    synchronized (pages) {
      expire(clock.getAsLong());
      return pages.size();
    }
  }

  /** Events by how they were taken. */
  public long outcomes(Outcome o) {
    return outcomes.get(o).sum();
  }

  /** scene -> channel -> counts, sorted. */
  public Map<String, Map<String, Counts>> channels() {
    return split(byChannel, s -> s);
  }

  /** scene -> position ({@value #POSITIONS} means that position or deeper) -> counts, sorted by position. */
  public Map<String, Map<Integer, Counts>> positions() {
    return split(byPosition, Integer::valueOf);
  }

  /** variant -> counts of one experiment (empty when it has had no traffic). */
  public Map<String, Counts> variants(String experiment) {
    Map<String, Counts> out = new TreeMap<>();
    String prefix = experiment + '\u0000';
    byVariant.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v.counts());
      }
    });
    return out;
  }

  private static <K extends Comparable<K>> Map<String, Map<K, Counts>> split(Map<String, Pair> m, java.util.function.Function<String, K> key) {
    Map<String, Map<K, Counts>> out = new TreeMap<>();
    m.forEach((k, v) -> {
      int cut = k.indexOf('\u0000');
      out.computeIfAbsent(k.substring(0, cut), x -> new TreeMap<>()).put(key.apply(k.substring(cut + 1)), v.counts());
    });
    return out;
  }
}
