package dev.funnel.rank.data;

import dev.funnel.data.BadLines;
import dev.funnel.data.EventTable;
import dev.funnel.data.ItemFeatures;
import dev.funnel.data.io.ItemFeaturesReader;
import dev.funnel.data.io.MovieLensReader;
import dev.funnel.data.io.MovieLensUsersReader;
import dev.funnel.rank.FieldMap;
import dev.funnel.rank.SampleBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ranking samples built from a Funnel interaction dataset, so a ranker trains on the data the recall
 * models use: one sample per event, labelled {@code value >= positiveAtLeast} (a MovieLens rating of
 * 4 or 5 is a click), with the user, the item, the item's and the user's categorical features and,
 * for target-attention models (DIN), the user's behaviour sequence.
 *
 * <p>Fields, in order: {@code user} (one feature per user), {@code item} (one per item), each item
 * feature field, each user feature field, then {@code history}. A categorical field has one feature
 * per value plus a last {@code missing} feature for an entity without a value, so every field but
 * {@code history} holds at least one feature per row. {@code history} has one feature per item, in
 * item order: history feature {@code start(history) + i} is item i, so a model can look the target
 * and the sequence up in one embedding table (DIN, Zhou et al. KDD 2018, section 4.2).
 *
 * <p>No leakage: a sample's history is the user's items with a timestamp <em>strictly</em> before the
 * sample's (the {@code historyLength} most recent, most recent first; optionally only its positives:
 * their labels are known by then), so events of the same second,
 * and anything later, never enter it. The split is a global time cut: the events of the last {@code
 * testFraction} of the time-ordered log are the test part, the {@code validationFraction} before
 * them validation, the rest train; events on a cut's timestamp go to the later part. Unlike a
 * per-user last-N split, no training sample (and hence no learned item embedding or popularity) comes
 * from after any test event, which is how a deployed ranker meets the future. Histories of validation
 * and test samples include earlier events of any part (they happened before the sample).
 */
public final class InteractionSamples {
  /** The name of the behaviour-sequence field. */
  public static final String HISTORY = "history";

  private InteractionSamples() {}

  /**
   * Reads MovieLens 100K from {@code dir} ({@code u.data}; genres from {@code u.item} and age, gender,
   * occupation and zip prefix from {@code u.user} when present) and builds the samples. Bad lines are
   * errors naming file, line, field and value.
   */
  public static SampleSplit movieLens100k(Path dir, SampleConfig config) {
    EventTable events = new EventTable();
    BadLines.Recorder strict = new BadLines.Recorder(false);
    MovieLensReader.read(dir, events, strict);
    Path uItem = dir.resolve("u.item");
    Path uUser = dir.resolve("u.user");
    ItemFeatures items = Files.isRegularFile(uItem) ? ItemFeaturesReader.readMovieLensGenres(uItem, events.items(), strict) : null;
    ItemFeatures users = Files.isRegularFile(uUser) ? MovieLensUsersReader.read(uUser, events.users(), strict) : null;
    return build(events, items, users, config);
  }

  /**
   * Samples of every event of {@code events}.
   *
   * @param itemFeatures categorical item features over the events' item ids, or null
   * @param userFeatures categorical user features over the events' user ids (the shape of {@link
   *     ItemFeatures} with users for items), or null
   */
  public static SampleSplit build(EventTable events, ItemFeatures itemFeatures, ItemFeatures userFeatures, SampleConfig config) {
    int n = events.size();
    if (n == 0) {
      throw new IllegalArgumentException("no events to build samples from");
    }
    int numUsers = events.users().size();
    int numItems = events.items().size();
    if (itemFeatures != null && itemFeatures.numItems() != numItems) {
      throw new IllegalArgumentException("item features cover " + itemFeatures.numItems() + " items; the events have " + numItems);
    }
    if (userFeatures != null && userFeatures.numItems() != numUsers) {
      throw new IllegalArgumentException("user features cover " + userFeatures.numItems() + " users; the events have " + numUsers);
    }
    Layout layout = new Layout(numUsers, numItems, itemFeatures, userFeatures, config);

    // events in time order (stable: read order breaks ties), the split cuts, and per-user sequences
    int[] byTime = sortedByTime(events);
    long validationFrom = events.timestamp(byTime[(int) Math.floor(n * (1 - config.validationFraction() - config.testFraction()))]);
    long testFrom = events.timestamp(byTime[(int) Math.floor(n * (1 - config.testFraction()))]);
    int[] userPtr = new int[numUsers + 1];
    for (int e = 0; e < n; e++) {
      userPtr[events.user(e) + 1]++;
    }
    for (int u = 0; u < numUsers; u++) {
      userPtr[u + 1] += userPtr[u];
    }
    int[] userEvents = new int[n]; // each user's events in time order
    int[] fill = userPtr.clone();
    for (int e : byTime) {
      userEvents[fill[events.user(e)]++] = e;
    }
    // historyEnd[e]: position in userEvents one past the last event of e's user strictly before e
    int[] historyEnd = new int[n];
    for (int u = 0; u < numUsers; u++) {
      int p = userPtr[u];
      for (int q = userPtr[u]; q < userPtr[u + 1]; q++) {
        long t = events.timestamp(userEvents[q]);
        while (p < q && events.timestamp(userEvents[p]) < t) {
          p++;
        }
        historyEnd[userEvents[q]] = p;
      }
    }

    int[] sequence = new int[n]; // the items of userEvents
    boolean[] inHistory = new boolean[n]; // whether userEvents[q] may enter a later sample's history
    for (int q = 0; q < n; q++) {
      sequence[q] = events.item(userEvents[q]);
      inHistory[q] = !config.historyPositivesOnly() || events.value(userEvents[q]) >= config.positiveAtLeast();
    }
    Part train = new Part();
    Part validation = new Part();
    Part test = new Part();
    for (int e : byTime) {
      long t = events.timestamp(e);
      Part part = t >= testFrom ? test : t >= validationFrom ? validation : train;
      int u = events.user(e);
      layout.append(part, u, events.item(e), sequence, inHistory, userPtr[u], historyEnd[e]);
      part.label(events.value(e) >= config.positiveAtLeast() ? 1f : 0f, u);
    }
    FieldMap fields = layout.fields();
    return new SampleSplit(train.batch(fields), validation.batch(fields), test.batch(fields), validationFrom, testFrom);
  }

  /** Event rows by (timestamp, row): each timestamp's rank among the distinct ones, packed with the row into a long. */
  private static int[] sortedByTime(EventTable events) {
    int n = events.size();
    long[] times = new long[n];
    for (int e = 0; e < n; e++) {
      times[e] = events.timestamp(e);
    }
    java.util.Arrays.sort(times);
    long[] keys = new long[n];
    for (int e = 0; e < n; e++) {
      keys[e] = ((long) lowerBound(times, events.timestamp(e)) << 32) | e; // ties share a rank
    }
    java.util.Arrays.sort(keys);
    int[] order = new int[n];
    for (int e = 0; e < n; e++) {
      order[e] = (int) keys[e];
    }
    return order;
  }

  /** The first index of {@code sorted} holding a value >= t. */
  private static int lowerBound(long[] sorted, long t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The feature ranges of every field and how a sample's features are written. */
  private static final class Layout {
    private final List<String> names = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    private final int userStart;
    private final int itemStart;
    private final List<ItemFeatures.Field> itemFields = new ArrayList<>();
    private final List<Integer> itemFieldStarts = new ArrayList<>();
    private final List<Boolean> itemFieldExpanded = new ArrayList<>();
    private final List<ItemFeatures.Field> userFields = new ArrayList<>();
    private final List<Integer> userFieldStarts = new ArrayList<>();
    private final int historyStart;
    private final int historyLength;
    private int next;

    Layout(int numUsers, int numItems, ItemFeatures itemFeatures, ItemFeatures userFeatures, SampleConfig config) {
      userStart = add("user", numUsers);
      itemStart = add("item", numItems);
      if (itemFeatures != null) {
        for (ItemFeatures.Field f : itemFeatures.fields()) {
          itemFields.add(f);
          boolean expand = config.expandMultiValued() && isMultiValued(f);
          itemFieldExpanded.add(expand);
          if (expand) {
            int first = -1;
            for (int v = 0; v < f.values().size(); v++) {
              int s = add(f.name() + "=" + f.values().external(v), 2);
              first = first < 0 ? s : first;
            }
            itemFieldStarts.add(first);
          } else {
            itemFieldStarts.add(add(f.name(), f.values().size() + 1));
          }
        }
      }
      if (userFeatures != null) {
        for (ItemFeatures.Field f : userFeatures.fields()) {
          userFields.add(f);
          userFieldStarts.add(add(f.name(), f.values().size() + 1));
        }
      }
      historyLength = config.historyLength();
      historyStart = historyLength > 0 ? add(HISTORY, numItems) : -1;
    }

    private static boolean isMultiValued(ItemFeatures.Field f) {
      int[] ptr = f.itemPtr();
      for (int i = 0; i + 1 < ptr.length; i++) {
        if (ptr[i + 1] - ptr[i] > 1) {
          return true;
        }
      }
      return false;
    }

    private int add(String name, int size) {
      String clean = name.replaceAll("[,:#\\s]", "_");
      if (names.contains(clean)) {
        throw new IllegalArgumentException("two sample fields would be named '" + clean + "'");
      }
      names.add(clean);
      sizes.add(size);
      int start = next;
      next += size;
      return start;
    }

    FieldMap fields() {
      StringBuilder spec = new StringBuilder();
      int at = 0;
      for (int f = 0; f < names.size(); f++) {
        spec.append(f == 0 ? "" : ",").append(names.get(f)).append(':').append(at).append('-').append(at + sizes.get(f) - 1);
        at += sizes.get(f);
      }
      return FieldMap.parse(spec.toString());
    }

    /** Appends one sample; its history is taken from sequence[first .. end) backwards, where inHistory. */
    void append(Part p, int user, int item, int[] sequence, boolean[] inHistory, int first, int end) {
      p.feature(userStart + user);
      p.feature(itemStart + item);
      for (int f = 0; f < itemFields.size(); f++) {
        ItemFeatures.Field field = itemFields.get(f);
        int start = itemFieldStarts.get(f);
        int from = field.itemPtr()[item];
        int to = field.itemPtr()[item + 1];
        if (itemFieldExpanded.get(f)) {
          int k = from;
          for (int v = 0; v < field.values().size(); v++) { // value ids ascend in the CSR
            boolean present = k < to && field.valueIds()[k] == v;
            k += present ? 1 : 0;
            p.feature(start + 2 * v + (present ? 1 : 0));
          }
        } else if (from == to) {
          p.feature(start + field.values().size());
        } else {
          for (int k = from; k < to; k++) {
            p.feature(start + field.valueIds()[k]);
          }
        }
      }
      for (int f = 0; f < userFields.size(); f++) {
        ItemFeatures.Field field = userFields.get(f);
        int start = userFieldStarts.get(f);
        int from = field.itemPtr()[user];
        int to = field.itemPtr()[user + 1];
        if (from == to) {
          p.feature(start + field.values().size());
        }
        for (int k = from; k < to; k++) {
          p.feature(start + field.valueIds()[k]);
        }
      }
      int taken = 0;
      for (int q = end - 1; q >= first && taken < historyLength; q--) { // most recent first
        if (inHistory[q]) {
          p.feature(historyStart + sequence[q]);
          taken++;
        }
      }
      p.endRow();
    }

  }

  /** A growing CSR batch. */
  private static final class Part {
    private int[] rowPtr = new int[1024];
    private int[] features = new int[8192];
    private float[] labels = new float[1024];
    private int[] groups = new int[1024];
    private int rows;
    private int nnz;

    void feature(int f) {
      if (nnz == features.length) {
        features = java.util.Arrays.copyOf(features, nnz * 2);
      }
      features[nnz++] = f;
    }

    void endRow() {
      if (rows + 2 > rowPtr.length) {
        rowPtr = java.util.Arrays.copyOf(rowPtr, rowPtr.length * 2);
      }
      rowPtr[++rows] = nnz;
    }

    void label(float y, int group) {
      if (rows > labels.length) {
        labels = java.util.Arrays.copyOf(labels, labels.length * 2);
        groups = java.util.Arrays.copyOf(groups, groups.length * 2);
      }
      labels[rows - 1] = y;
      groups[rows - 1] = group;
    }

    SampleBatch batch(FieldMap fields) {
      return new SampleBatch(fields, java.util.Arrays.copyOf(rowPtr, rows + 1), java.util.Arrays.copyOf(features, nnz), null,
          java.util.Arrays.copyOf(labels, rows), null, java.util.Arrays.copyOf(groups, rows));
    }
  }
}
