package dev.funnel.rank.schema;

/** How a schema field turns a CSV cell into features. */
public enum FieldKind {
  /** One value per row, one-hot: a vocabulary code (0 = out of vocabulary or empty) or hash bucket(s). */
  CATEGORICAL,
  /** Several values per row ({@code a|b|c}, optionally weighted {@code a:0.5|b:1}), pooled by sum or mean. */
  MULTI,
  /** A number: raw or standardised (one value feature plus a missing indicator), or bucketised (one-hot). */
  NUMERIC,
  /**
   * A behaviour sequence (a user's recent items, oldest first), coded over another categorical field's
   * vocabulary so a target-attention model can compare each behaviour with the target: code c of the
   * sequence is feature {@code start(sequence) + c}, the same c as {@code start(vocabulary field) + c}.
   */
  SEQUENCE;

  /** The schema-file spelling. */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  static FieldKind parse(String word) {
    for (FieldKind k : values()) {
      if (k.word().equals(word)) {
        return k;
      }
    }
    return null;
  }
}
