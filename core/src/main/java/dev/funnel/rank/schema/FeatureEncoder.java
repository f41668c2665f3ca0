package dev.funnel.rank.schema;

import dev.funnel.rank.FieldMap;
import dev.funnel.rank.SampleBatch;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link FeatureSchema} fitted on training rows: vocabularies (categorical and multi-valued fields
 * without hashing; a sequence shares its vocabulary field's), numeric means and standard deviations, and
 * quantile bucket boundaries. It turns any {@link SampleTable} of the schema into a {@link SampleBatch}
 * over {@link #fields()}, and is saved with the model ({@link #write}, {@link #read}) so that serving
 * encodes exactly as training did. Immutable once built: safe to share between serving threads.
 *
 * <p>Feature layout, field by field in schema order (each a {@link FieldMap} range):
 *
 * <ul>
 *   <li>categorical / multi with a vocabulary: V + 1 features, code 0 the out-of-vocabulary bucket
 *       (values seen fewer than {@code min_count} times, beyond {@code max_size}, unseen at fitting, or an
 *       empty categorical cell); codes 1..V by falling count, ties by value. Hashed: {@code buckets}
 *       features, one or two (double hashing) set per value.
 *   <li>multi / sequence: each value's feature(s) with value w (sum pooling) or w / Σw (mean pooling),
 *       w the value's weight ({@code a:0.5}, default 1); repeats of one feature are summed. An empty
 *       cell sets no feature.
 *   <li>sequence: as many features as its vocabulary field, coded the same (code c is {@code
 *       start(sequence) + c}), so a target-attention model can share the item embedding table.
 *   <li>numeric raw / standardize: 2 features, the value ((x - mean) / std for standardize, std 1 when
 *       the data has none) and a missing indicator set instead for an empty cell. Bucketize: B + 2
 *       features for B boundaries: buckets 0..B (bucket b holds boundary[b-1] &lt;= x &lt; boundary[b])
 *       and a missing bucket. Categorical and numeric fields thus always set exactly one feature (two
 *       with double hashing), which field-embedding models need.
 * </ul>
 */
public final class FeatureEncoder {
  /** Version of the {@link #write} form. */
  public static final int FORMAT_VERSION = 1;

  private final FeatureSchema schema;
  private final FieldMap fields;
  /** Per field: the vocabulary (code c = index c-1), null when hashed or not categorical. */
  private final String[][] vocabularies;
  private final List<Map<String, Integer>> lookups = new ArrayList<>();
  private final double[] means;
  private final double[] stds;
  private final double[][] boundaries;

  private FeatureEncoder(FeatureSchema schema, String[][] vocabularies, double[] means, double[] stds, double[][] boundaries) {
    this.schema = schema;
    this.vocabularies = vocabularies;
    this.means = means;
    this.stds = stds;
    this.boundaries = boundaries;
    List<FieldSpec> specs = schema.fields();
    StringBuilder spec = new StringBuilder();
    int start = 0;
    for (int f = 0; f < specs.size(); f++) {
      Map<String, Integer> lookup = null;
      if (vocabularies[f] != null) {
        lookup = new HashMap<>(vocabularies[f].length * 2);
        for (int c = 0; c < vocabularies[f].length; c++) {
          lookup.put(vocabularies[f][c], c + 1);
        }
      }
      lookups.add(lookup);
      int size = size(f);
      spec.append(f > 0 ? "," : "").append(specs.get(f).name()).append(':').append(start).append('-').append(start + size - 1);
      start += size;
    }
    fields = FieldMap.parse(spec.toString());
  }

  private int size(int f) {
    FieldSpec s = schema.fields().get(f);
    return switch (s.kind()) {
      case CATEGORICAL, MULTI -> s.hashed() ? s.buckets() : vocabularies[f].length + 1;
      case NUMERIC -> s.transform().equals("bucketize") ? boundaries[f].length + 2 : 2;
      case SEQUENCE -> size(indexOf(s.vocabulary()));
    };
  }

  private int indexOf(String field) {
    List<FieldSpec> specs = schema.fields();
    for (int f = 0; f < specs.size(); f++) {
      if (specs.get(f).name().equals(field)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown field '" + field + "'");
  }

  /** Fits vocabularies and numeric statistics on {@code table}'s rows. */
  public static FeatureEncoder fit(SampleTable table) {
    FeatureSchema schema = table.schema();
    List<FieldSpec> specs = schema.fields();
    int nf = specs.size();
    String[][] vocabularies = new String[nf][];
    double[] means = new double[nf];
    double[] stds = new double[nf];
    double[][] boundaries = new double[nf][];
    for (int f = 0; f < nf; f++) {
      FieldSpec s = specs.get(f);
      SampleTable.Column c = table.column(f);
      switch (s.kind()) {
        case CATEGORICAL, MULTI -> {
          if (!s.hashed()) {
            Map<String, long[]> counts = new HashMap<>();
            count(s, c, table.size(), counts);
            for (int g = 0; g < nf; g++) { // a sequence's entries count toward its vocabulary field
              if (specs.get(g).kind() == FieldKind.SEQUENCE && specs.get(g).vocabulary().equals(s.name())) {
                count(specs.get(g), table.column(g), table.size(), counts);
              }
            }
            vocabularies[f] = vocabulary(s, counts);
          }
        }
        case NUMERIC -> {
          double sum = 0;
          double sumSq = 0;
          int n = 0;
          float[] finite = new float[table.size()];
          for (int r = 0; r < table.size(); r++) {
            float x = c.numbers[r];
            if (!Float.isNaN(x)) {
              finite[n++] = x;
              sum += x;
              sumSq += (double) x * x;
            }
          }
          means[f] = n == 0 ? 0 : sum / n;
          double var = n == 0 ? 0 : Math.max(0, sumSq / n - means[f] * means[f]);
          stds[f] = var > 0 ? Math.sqrt(var) : 1;
          boundaries[f] = s.boundaries().length > 0 || !s.transform().equals("bucketize") ? s.boundaries()
              : quantiles(Arrays.copyOf(finite, n), s.quantiles());
        }
        case SEQUENCE -> { }
        default -> throw new IllegalStateException();
      }
    }
    return new FeatureEncoder(schema, vocabularies, means, stds, boundaries);
  }

  private static void count(FieldSpec s, SampleTable.Column c, int rows, Map<String, long[]> counts) {
    long[] perId = new long[c.strings.size()];
    if (s.kind() == FieldKind.CATEGORICAL) {
      for (int r = 0; r < rows; r++) {
        if (c.cell[r] >= 0) {
          perId[c.cell[r]]++;
        }
      }
    } else {
      for (int t = 0; t < c.nTokens; t++) {
        perId[c.tokens[t]]++;
      }
    }
    for (int id = 0; id < perId.length; id++) {
      if (perId[id] > 0) {
        counts.computeIfAbsent(c.strings.get(id), k -> new long[1])[0] += perId[id];
      }
    }
  }

  private static String[] vocabulary(FieldSpec s, Map<String, long[]> counts) {
    List<Map.Entry<String, long[]>> kept = new ArrayList<>();
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      if (e.getValue()[0] >= s.minCount()) {
        kept.add(e);
      }
    }
    kept.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0])
        : a.getKey().compareTo(b.getKey()));
    int n = s.maxSize() > 0 ? Math.min(s.maxSize(), kept.size()) : kept.size();
    String[] v = new String[n];
    for (int i = 0; i < n; i++) {
      v[i] = kept.get(i).getKey();
    }
    return v;
  }

  /** Equal-frequency boundaries: the values at ranks n·i/q, i = 1..q-1, duplicates dropped. */
  static double[] quantiles(float[] values, int q) {
    Arrays.sort(values);
    double[] b = new double[q - 1];
    int m = 0;
    for (int i = 1; i < q && values.length > 0; i++) {
      double v = values[(int) ((long) values.length * i / q)];
      if (m == 0 || v > b[m - 1]) {
        b[m++] = v;
      }
    }
    return Arrays.copyOf(b, m);
  }

  public FeatureSchema schema() {
    return schema;
  }

  /** The feature space of encoded batches: one field per schema field, in order. */
  public FieldMap fields() {
    return fields;
  }

  /** The fitted vocabulary of {@code field} (code c is entry c-1; code 0 is out-of-vocabulary); null when hashed or numeric. */
  public String[] vocabulary(String field) {
    String[] v = vocabularies[indexOf(field)];
    return v == null ? null : v.clone();
  }

  /** The fitted bucket boundaries of a bucketized numeric field (empty otherwise). */
  public double[] boundaries(String field) {
    double[] b = boundaries[indexOf(field)];
    return b == null ? new double[0] : b.clone();
  }

  /** The fitted mean and standard deviation of a numeric field. */
  public double[] meanAndStd(String field) {
    int f = indexOf(field);
    return new double[] {means[f], stds[f]};
  }

  /** Encodes every row of {@code table} (same schema) over {@link #fields()}. */
  public SampleBatch encode(SampleTable table) {
    if (!table.schema().equals(schema)) {
      throw new IllegalArgumentException("table schema differs from the encoder's:\n" + table.schema().toText() + "vs\n" + schema.toText());
    }
    List<FieldSpec> specs = schema.fields();
    int nf = specs.size();
    int rows = table.size();
    // codes of each column's distinct strings, computed once: first[id], second[id] (-1: none)
    int[][] first = new int[nf][];
    int[][] second = new int[nf][];
    int[] emptyFirst = new int[nf];
    int[] emptySecond = new int[nf];
    for (int f = 0; f < nf; f++) {
      FieldSpec s = specs.get(f);
      if (s.kind() == FieldKind.NUMERIC) {
        continue;
      }
      int coder = s.kind() == FieldKind.SEQUENCE ? indexOf(s.vocabulary()) : f;
      List<String> strings = table.column(f).strings;
      first[f] = new int[strings.size()];
      second[f] = new int[strings.size()];
      for (int id = 0; id < strings.size(); id++) {
        int[] codes = codes(coder, strings.get(id));
        first[f][id] = codes[0];
        second[f][id] = codes[1];
      }
      int[] empty = codes(coder, "");
      emptyFirst[f] = specs.get(coder).hashed() ? empty[0] : 0;
      emptySecond[f] = specs.get(coder).hashed() ? empty[1] : -1;
    }
    int[] rowPtr = new int[rows + 1];
    int[] features = new int[Math.max(16, rows * nf)];
    float[] values = new float[features.length];
    int nnz = 0;
    boolean allOnes = true;
    int[] scratchCode = new int[16];
    float[] scratchValue = new float[16];
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < nf; f++) {
        FieldSpec s = specs.get(f);
        int start = fields.start(f);
        SampleTable.Column c = table.column(f);
        int k = 0; // entries of this field for this row in the scratch arrays
        switch (s.kind()) {
          case CATEGORICAL -> {
            int id = c.cell[r];
            int a = id < 0 ? emptyFirst[f] : first[f][id];
            int b = id < 0 ? emptySecond[f] : second[f][id];
            scratchCode[k] = a;
            scratchValue[k++] = 1f;
            if (b >= 0) {
              scratchCode[k] = b;
              scratchValue[k++] = 1f;
            }
          }
          case NUMERIC -> {
            float x = c.numbers[r];
            double[] bounds = boundaries[f];
            if (s.transform().equals("bucketize")) {
              scratchCode[k] = Float.isNaN(x) ? bounds.length + 1 : upperBound(bounds, x);
              scratchValue[k++] = 1f;
            } else if (Float.isNaN(x)) {
              scratchCode[k] = 1;
              scratchValue[k++] = 1f;
            } else {
              scratchCode[k] = 0;
              scratchValue[k++] = s.transform().equals("standardize") ? (float) ((x - means[f]) / stds[f]) : x;
            }
          }
          case MULTI, SEQUENCE -> {
            double total = 0;
            for (int t = c.ptr[r]; t < c.ptr[r + 1]; t++) {
              total += c.tokenWeights[t];
            }
            double scale = s.pooling().equals("mean") ? (total > 0 ? 1 / total : 0) : 1;
            int need = 2 * (c.ptr[r + 1] - c.ptr[r]);
            if (need > scratchCode.length) {
              scratchCode = Arrays.copyOf(scratchCode, need);
              scratchValue = Arrays.copyOf(scratchValue, need);
            }
            for (int t = c.ptr[r]; t < c.ptr[r + 1]; t++) {
              float v = (float) (c.tokenWeights[t] * scale);
              scratchCode[k] = first[f][c.tokens[t]];
              scratchValue[k++] = v;
              if (second[f][c.tokens[t]] >= 0) {
                scratchCode[k] = second[f][c.tokens[t]];
                scratchValue[k++] = v;
              }
            }
          }
          default -> throw new IllegalStateException();
        }
        k = mergeRepeats(scratchCode, scratchValue, k);
        if (nnz + k > features.length) {
          int n = Math.max(features.length * 2, nnz + k);
          features = Arrays.copyOf(features, n);
          values = Arrays.copyOf(values, n);
        }
        for (int e = 0; e < k; e++) {
          features[nnz] = start + scratchCode[e];
          values[nnz++] = scratchValue[e];
          allOnes &= scratchValue[e] == 1f;
        }
      }
      rowPtr[r + 1] = nnz;
    }
    return new SampleBatch(fields, rowPtr, Arrays.copyOf(features, nnz), allOnes ? null : Arrays.copyOf(values, nnz),
        table.labels().clone(), table.weights() == null ? null : table.weights().clone(),
        table.groups() == null ? null : table.groups().clone());
  }

  /** Codes of {@code value} in field {@code f}'s coder: {first, second or -1}. */
  private int[] codes(int f, String value) {
    FieldSpec s = schema.fields().get(f);
    if (s.hashed()) {
      int a = FeatureHasher.bucket(value, s.seed(), 0, s.buckets());
      return new int[] {a, s.hashes() == 2 ? FeatureHasher.bucket(value, s.seed(), 1, s.buckets()) : -1};
    }
    return new int[] {lookups.get(f).getOrDefault(value, 0), -1};
  }

  /** Sorts the k entries by code and sums the values of equal codes; returns the new count. */
  private static int mergeRepeats(int[] code, float[] value, int k) {
    for (int i = 1; i < k; i++) { // insertion sort: a row's field has few entries
      int c = code[i];
      float v = value[i];
      int j = i - 1;
      while (j >= 0 && code[j] > c) {
        code[j + 1] = code[j];
        value[j + 1] = value[j];
        j--;
      }
      code[j + 1] = c;
      value[j + 1] = v;
    }
    int m = 0;
    for (int i = 0; i < k; i++) {
      if (m > 0 && code[m - 1] == code[i]) {
        value[m - 1] += value[i];
      } else {
        code[m] = code[i];
        value[m++] = value[i];
      }
    }
    return m;
  }

  /** The number of boundaries &lt;= x: the bucket of x. */
  private static int upperBound(double[] b, float x) {
    int lo = 0;
    int hi = b.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (b[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Writes the fitted encoder: int {@link #FORMAT_VERSION}, utf schema text, then per field in order:
   * a vocabulary as int count + utf values; a numeric field as double mean, double std, int count +
   * double boundaries; nothing for hashed and sequence fields.
   */
  public void write(DataOutput out) throws IOException {
    out.writeInt(FORMAT_VERSION);
    out.writeUTF(schema.toText());
    List<FieldSpec> specs = schema.fields();
    for (int f = 0; f < specs.size(); f++) {
      switch (specs.get(f).kind()) {
        case CATEGORICAL, MULTI -> {
          if (!specs.get(f).hashed()) {
            out.writeInt(vocabularies[f].length);
            for (String v : vocabularies[f]) {
              out.writeUTF(v);
            }
          }
        }
        case NUMERIC -> {
          out.writeDouble(means[f]);
          out.writeDouble(stds[f]);
          out.writeInt(boundaries[f].length);
          for (double b : boundaries[f]) {
            out.writeDouble(b);
          }
        }
        default -> { }
      }
    }
  }

  /** Reads what {@link #write} wrote; refuses another format version. */
  public static FeatureEncoder read(DataInput in) throws IOException {
    int version = in.readInt();
    if (version != FORMAT_VERSION) {
      throw new IOException("feature encoder format version " + version + " is not supported (this engine reads " + FORMAT_VERSION + ")");
    }
    FeatureSchema schema = FeatureSchema.parse("stored schema", in.readUTF());
    List<FieldSpec> specs = schema.fields();
    int nf = specs.size();
    String[][] vocabularies = new String[nf][];
    double[] means = new double[nf];
    double[] stds = new double[nf];
    double[][] boundaries = new double[nf][];
    for (int f = 0; f < nf; f++) {
      switch (specs.get(f).kind()) {
        case CATEGORICAL, MULTI -> {
          if (!specs.get(f).hashed()) {
            int n = count(in);
            List<String> v = new ArrayList<>(Math.min(n, 1 << 16));
            for (int i = 0; i < n; i++) {
              v.add(in.readUTF());
            }
            vocabularies[f] = v.toArray(new String[0]);
          }
        }
        case NUMERIC -> {
          means[f] = in.readDouble();
          stds[f] = in.readDouble();
          int n = count(in);
          boundaries[f] = new double[Math.min(n, 1 << 16)];
          for (int i = 0; i < n; i++) {
            if (i == boundaries[f].length) {
              boundaries[f] = Arrays.copyOf(boundaries[f], Math.min(n, i * 2));
            }
            boundaries[f][i] = in.readDouble();
          }
        }
        default -> { }
      }
    }
    return new FeatureEncoder(schema, vocabularies, means, stds, boundaries);
  }

  private static int count(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("corrupt feature encoder: negative count " + n);
    }
    return n;
  }
}
