package dev.funnel.rank.schema;

import java.util.Arrays;

/**
 * One field of a {@link FeatureSchema}: its name (the field's name in the {@link dev.funnel.rank.FieldMap}),
 * the CSV column it reads, its kind and the options of that kind. Options a kind does not use keep
 * their defaults; the canonical constructor validates and names the bad option and value.
 *
 * @param name field name: letters, digits, {@code _ . -}
 * @param column CSV header name to read (usually the name)
 * @param kind what the cell holds
 * @param minCount categorical/multi: values seen fewer times in the fitting data fall into the
 *     out-of-vocabulary code 0; &gt;= 1
 * @param maxSize categorical/multi: keep at most this many values (the most frequent; ties by value),
 *     0 for no limit
 * @param buckets categorical/multi: &gt; 0 selects the hashing trick with this many buckets instead of a
 *     vocabulary (unbounded id spaces; no fitting); 0 for a vocabulary
 * @param hashes with hashing: 1, or 2 for double hashing (each value sets two buckets from two
 *     independent hash functions, summed: two values then collide only if both hashes do; the DHE
 *     paper's "multiple one-hot" baseline, Kang et al., KDD 2021)
 * @param seed hash seed
 * @param pooling multi/sequence: {@code sum} (feature value = the value's weight) or {@code mean}
 *     (weight / sum of the row's weights)
 * @param separator multi/sequence: the value separator inside a cell, one character (default {@code |});
 *     {@code value:weight} gives a value a weight (default 1)
 * @param log numeric: take log(1 + x) first (x must be &gt;= 0)
 * @param transform numeric: {@code raw}, {@code standardize} ((x - mean) / std over the fitting data)
 *     or {@code bucketize}
 * @param boundaries numeric bucketize: strictly increasing bucket boundaries (bucket b holds
 *     boundaries[b-1] &lt;= x &lt; boundaries[b]); empty to fit {@code quantiles} from the data
 * @param quantiles numeric bucketize without boundaries: number of equal-frequency buckets (&gt;= 2)
 * @param vocabulary sequence: the categorical field whose vocabulary (or hashing) codes the sequence
 * @param maxLength sequence: keep the last (most recent) this many entries, 0 for all
 */
public record FieldSpec(String name, String column, FieldKind kind, int minCount, int maxSize, int buckets, int hashes, long seed,
    String pooling, char separator, boolean log, String transform, double[] boundaries, int quantiles, String vocabulary,
    int maxLength) {

  public FieldSpec {
    if (name == null || !name.matches("[A-Za-z0-9_.\\-]+")) {
      throw new IllegalArgumentException("field name must be letters, digits, '_', '.' or '-'; name=" + name);
    }
    if (column == null || column.isEmpty()) {
      throw new IllegalArgumentException("column must not be empty; field " + name + " column=" + column);
    }
    if (kind == null) {
      throw new IllegalArgumentException("kind must be set; field " + name);
    }
    if (minCount < 1) {
      throw new IllegalArgumentException("min_count must be >= 1; field " + name + " min_count=" + minCount);
    }
    if (maxSize < 0) {
      throw new IllegalArgumentException("max_size must be >= 0; field " + name + " max_size=" + maxSize);
    }
    if (buckets < 0) {
      throw new IllegalArgumentException("buckets must be >= 0; field " + name + " buckets=" + buckets);
    }
    if (hashes != 1 && hashes != 2) {
      throw new IllegalArgumentException("hashes must be 1 or 2; field " + name + " hashes=" + hashes);
    }
    if (!pooling.equals("sum") && !pooling.equals("mean")) {
      throw new IllegalArgumentException("pooling must be sum or mean; field " + name + " pooling=" + pooling);
    }
    if (separator == ':' || Character.isWhitespace(separator)) {
      throw new IllegalArgumentException("separator must not be ':' or blank; field " + name + " separator='" + separator + "'");
    }
    if (!transform.equals("raw") && !transform.equals("standardize") && !transform.equals("bucketize")) {
      throw new IllegalArgumentException("transform must be raw, standardize or bucketize; field " + name + " transform=" + transform);
    }
    boundaries = boundaries == null ? new double[0] : boundaries.clone();
    for (int b = 0; b < boundaries.length; b++) {
      if (!Double.isFinite(boundaries[b]) || (b > 0 && !(boundaries[b] > boundaries[b - 1]))) {
        throw new IllegalArgumentException("boundaries must be finite and strictly increasing; field " + name + " boundaries="
            + Arrays.toString(boundaries));
      }
    }
    if (kind == FieldKind.NUMERIC && transform.equals("bucketize") && boundaries.length == 0 && quantiles < 2) {
      throw new IllegalArgumentException("bucketize needs boundaries=b1,b2,... or quantiles >= 2; field " + name + " quantiles="
          + quantiles);
    }
    if (kind == FieldKind.SEQUENCE && (vocabulary == null || vocabulary.isEmpty())) {
      throw new IllegalArgumentException("a sequence needs vocabulary=FIELD (a categorical field); field " + name);
    }
    if (maxLength < 0) {
      throw new IllegalArgumentException("max_length must be >= 0; field " + name + " max_length=" + maxLength);
    }
  }

  /** True when values are hashed instead of looked up in a fitted vocabulary. */
  public boolean hashed() {
    return buckets > 0;
  }

  @Override
  public double[] boundaries() {
    return boundaries.clone();
  }

  /** The schema-file line of this field (only options that differ from the defaults). */
  String toLine() {
    StringBuilder sb = new StringBuilder("field ").append(name).append(' ').append(kind.word());
    if (!column.equals(name)) {
      sb.append(" column=").append(column);
    }
    switch (kind) {
      case CATEGORICAL, MULTI -> {
        if (buckets > 0) {
          sb.append(" buckets=").append(buckets).append(" hashes=").append(hashes).append(" seed=").append(seed);
        } else {
          sb.append(" min_count=").append(minCount);
          if (maxSize > 0) {
            sb.append(" max_size=").append(maxSize);
          }
        }
        if (kind == FieldKind.MULTI) {
          sb.append(" pooling=").append(pooling).append(" separator=").append(separator);
        }
      }
      case SEQUENCE -> {
        sb.append(" vocabulary=").append(vocabulary).append(" pooling=").append(pooling).append(" separator=").append(separator);
        if (maxLength > 0) {
          sb.append(" max_length=").append(maxLength);
        }
      }
      case NUMERIC -> {
        sb.append(" transform=").append(transform);
        if (log) {
          sb.append(" log=true");
        }
        if (transform.equals("bucketize")) {
          if (boundaries.length > 0) {
            sb.append(" boundaries=");
            for (int b = 0; b < boundaries.length; b++) {
              sb.append(b > 0 ? "," : "").append(boundaries[b]);
            }
          } else {
            sb.append(" quantiles=").append(quantiles);
          }
        }
      }
      default -> throw new IllegalStateException();
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSpec f && toLine().equals(f.toLine());
  }

  @Override
  public int hashCode() {
    return toLine().hashCode();
  }

  @Override
  public String toString() {
    return toLine();
  }
}
