package dev.funnel.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Categorical, possibly multi-valued item features (genres, categories, tags), one
 * {@link Field} per feature name. Each field holds an {@link IdMap} of its values and a CSR matrix
 * item -> value ids (ascending, no repeats) over the dataset's dense item ids.
 */
public final class ItemFeatures {
  /**
   * One feature. Item i's value ids are {@code valueIds[itemPtr[i] .. itemPtr[i+1])}; arrays are
   * shared for speed and must not be modified.
   */
  public record Field(String name, IdMap values, int[] itemPtr, int[] valueIds) {
    public Field {
      if (itemPtr.length == 0 || itemPtr[0] != 0 || itemPtr[itemPtr.length - 1] != valueIds.length) {
        throw new IllegalArgumentException("field '" + name + "': itemPtr must start at 0 and end at valueIds.length=" + valueIds.length);
      }
    }

    public int numItems() {
      return itemPtr.length - 1;
    }

    /** A copy of the item's value ids. */
    public int[] valuesOf(int item) {
      return Arrays.copyOfRange(valueIds, itemPtr[item], itemPtr[item + 1]);
    }

    /** The item's values as external strings. */
    public List<String> valueNamesOf(int item) {
      List<String> out = new ArrayList<>(itemPtr[item + 1] - itemPtr[item]);
      for (int p = itemPtr[item]; p < itemPtr[item + 1]; p++) {
        out.add(values.external(valueIds[p]));
      }
      return out;
    }
  }

  private final Map<String, Field> fields;
  private final int numItems;
  private final long unknownItems;

  /**
   * @param unknownItems rows of the source that named items not in the dataset (skipped)
   */
  public ItemFeatures(List<Field> fields, int numItems, long unknownItems) {
    Map<String, Field> m = new LinkedHashMap<>();
    for (Field f : fields) {
      if (f.numItems() != numItems) {
        throw new IllegalArgumentException("field '" + f.name() + "' covers " + f.numItems() + " items; numItems=" + numItems);
      }
      if (m.put(f.name(), f) != null) {
        throw new IllegalArgumentException("duplicate feature field '" + f.name() + "'");
      }
    }
    this.fields = Collections.unmodifiableMap(m);
    this.numItems = numItems;
    this.unknownItems = unknownItems;
  }

  public List<String> names() {
    return List.copyOf(fields.keySet());
  }

  /** The field, or null if there is none of that name. */
  public Field field(String name) {
    return fields.get(name);
  }

  public List<Field> fields() {
    return List.copyOf(fields.values());
  }

  public int numItems() {
    return numItems;
  }

  /** Feature rows skipped because their item is not in the dataset. */
  public long unknownItems() {
    return unknownItems;
  }

  /** Accumulates (item, value) pairs of one field, then packs them into CSR. */
  public static final class FieldBuilder {
    private final String name;
    private final IdMap values = new IdMap();
    private int size;
    private int[] items = new int[256];
    private int[] vals = new int[256];

    public FieldBuilder(String name) {
      this.name = name;
    }

    public void add(int item, String value) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
        vals = Arrays.copyOf(vals, size * 2);
      }
      items[size] = item;
      vals[size] = values.getOrAdd(value);
      size++;
    }

    /** Packs into CSR over {@code numItems} items; repeats of a value for an item collapse. */
    public Field build(int numItems) {
      long[] keys = new long[size];
      for (int k = 0; k < size; k++) {
        keys[k] = ((long) items[k] << 32) | vals[k];
      }
      Arrays.sort(keys);
      int[] ptr = new int[numItems + 1];
      int[] ids = new int[size];
      int n = 0;
      for (int k = 0; k < size; k++) {
        if (k > 0 && keys[k] == keys[k - 1]) {
          continue;
        }
        int item = (int) (keys[k] >>> 32);
        ptr[item + 1]++;
        ids[n++] = (int) keys[k];
      }
      for (int i = 0; i < numItems; i++) {
        ptr[i + 1] += ptr[i];
      }
      return new Field(name, values, ptr, Arrays.copyOf(ids, n));
    }
  }
}
