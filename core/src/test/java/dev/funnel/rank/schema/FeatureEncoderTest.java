package dev.funnel.rank.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.funnel.rank.SampleBatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureEncoderTest {
  private static SampleTable table(FeatureSchema schema, String... rows) {
    List<String> header = List.of(rows[0].split(",", -1));
    SampleTable.Builder b = new SampleTable.Builder(schema, header, true, "t.csv");
    for (int r = 1; r < rows.length; r++) {
      b.add(rows[r].split(",", -1), "t.csv", r + 1);
    }
    return b.build();
  }

  /** Row r's (feature, value) pairs as "f:v" strings. */
  private static List<String> row(SampleBatch b, int r) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    for (int k = b.rowPtr()[r]; k < b.rowPtr()[r + 1]; k++) {
      out.add(b.features()[k] + ":" + b.value(k));
    }
    return out;
  }

  @Test
  void vocabularyKeepsValuesSeenMinCountTimesByFallingCountWithOovZero() {
    FeatureSchema s = FeatureSchema.parse(null, "label y\nfield u categorical min_count=2\n");
    // counts: a 3, b 2, c 1 (below min_count) -> codes a=1, b=2; c, d (unseen) and empty -> 0
    SampleTable train = table(s, "y,u", "1,b", "0,a", "1,a", "0,c", "1,b", "0,a");
    FeatureEncoder enc = FeatureEncoder.fit(train);
    assertThat(enc.vocabulary("u")).containsExactly("a", "b");
    assertThat(enc.fields().toString()).isEqualTo("u:0-2");
    SampleBatch test = enc.encode(table(s, "y,u", "1,a", "0,b", "1,c", "0,d", "1,"));
    assertThat(test.features()).containsExactly(1, 2, 0, 0, 0);
    assertThat(test.values()).isNull();
    assertThat(test.labels()).containsExactly(1, 0, 1, 0, 1);
  }

  @Test
  void maxSizeKeepsTheMostFrequentTiesByValue() {
    FeatureSchema s = FeatureSchema.parse(null, "label y\nfield u categorical max_size=2\n");
    FeatureEncoder enc = FeatureEncoder.fit(table(s, "y,u", "1,z", "1,y", "1,x", "1,y"));
    // y 2; x and z 1 each, x first by value
    assertThat(enc.vocabulary("u")).containsExactly("y", "x");
  }

  @Test
  void multiValuedPoolsBySumOrMeanWithWeights() {
    FeatureSchema s = FeatureSchema.parse(null, "label y\nfield t multi pooling=mean\nfield v multi\n");
    SampleTable t = table(s, "y,t,v", "1,a|b,a:0.5|b:2", "0,b,b|b", "1,,a");
    FeatureEncoder enc = FeatureEncoder.fit(t);
    // t: b 2, a 1 -> b=1, a=2; range 0-2. v: b 3, a 2 -> b=1, a=2; range 3-5.
    assertThat(enc.fields().toString()).isEqualTo("t:0-2,v:3-5");
    SampleBatch b = enc.encode(t);
    // row 0: t mean of a,b: 1/2 each (sorted by code: b=1, a=2); v sum: b weight 2 (3+1=4), a weight 0.5 (3+2=5)
    assertThat(row(b, 0)).containsExactly("1:0.5", "2:0.5", "4:2.0", "5:0.5");
    // row 1: t = b alone: mean 1; v = b|b: repeats summed -> 2
    assertThat(row(b, 1)).containsExactly("1:1.0", "4:2.0");
    // row 2: empty t sets nothing
    assertThat(row(b, 2)).containsExactly("5:1.0");
  }

  @Test
  void numericStandardizesLogsAndBucketizes() {
    FeatureSchema s = FeatureSchema.parse(null, """
        label y
        field x numeric transform=standardize
        field l numeric log=true
        field g numeric transform=bucketize boundaries=10,20
        field q numeric transform=bucketize quantiles=2
        """);
    SampleTable t = table(s, "y,x,l,g,q", "1,1,0,5,1", "0,3,,10,2", "1,,1.718281828,25,3", "0,5,3,,4");
    FeatureEncoder enc = FeatureEncoder.fit(t);
    // x: values 1,3,5: mean 3, population std sqrt(8/3) = 1.632993
    assertThat(enc.meanAndStd("x")[0]).isCloseTo(3, within(1e-9));
    assertThat(enc.meanAndStd("x")[1]).isCloseTo(Math.sqrt(8.0 / 3), within(1e-6));
    // q: values 1,2,3,4, median boundary at rank 4*1/2 = 2 -> value 3
    assertThat(enc.boundaries("q")).containsExactly(3.0);
    // layout: x 0-1, l 2-3, g 4-7 (buckets 0,1,2 + missing 3), q 8-10 (buckets 0,1 + missing 2)
    assertThat(enc.fields().toString()).isEqualTo("x:0-1,l:2-3,g:4-7,q:8-10");
    SampleBatch b = enc.encode(t);
    // row 0: x (1-3)/1.633 = -1.2247; l log1p(0) = 0; g 5 -> bucket 0; q 1 -> bucket 0
    assertThat(b.features()).startsWith(0, 2, 4, 8);
    assertThat(b.values()[0]).isCloseTo(-1.2247449f, within(1e-5f));
    assertThat(b.values()[1]).isEqualTo(0f);
    // row 1: x 0; l missing -> indicator 3; g 10 -> bucket 1 (10 <= x < 20); q 2 -> bucket 0
    assertThat(row(b, 1)).containsExactly("0:0.0", "3:1.0", "5:1.0", "8:1.0");
    // row 2: x missing -> 1; l log1p(e - 1) = 1; g 25 -> bucket 2; q 3 -> bucket 1
    assertThat(b.features()).containsSubsequence(1, 2, 6, 9);
    assertThat(b.values()[9]).isCloseTo(1f, within(1e-6f));
    // row 3: g missing -> 7
    assertThat(row(b, 3)).contains("7:1.0", "9:1.0");
  }

  @Test
  void negativeValueUnderLogIsRejectedByRow() {
    FeatureSchema s = FeatureSchema.parse(null, "label y\nfield l numeric log=true\n");
    assertThatThrownBy(() -> table(s, "y,l", "1,2", "0,-1")).hasMessageContaining("t.csv:3").hasMessageContaining("field 'l'")
        .hasMessageContaining("'-1'");
  }

  @Test
  void hashingNeedsNoFitAndDoubleHashingSetsTwoBuckets() {
    FeatureSchema s = FeatureSchema.parse(null, "label y\nfield id categorical buckets=1000 hashes=2 seed=3\n");
    FeatureEncoder enc = FeatureEncoder.fit(table(s, "y,id", "1,a"));
    assertThat(enc.vocabulary("id")).isNull();
    assertThat(enc.fields().numFeatures()).isEqualTo(1000);
    SampleBatch b = enc.encode(table(s, "y,id", "1,never-seen", "0,never-seen", "1,other"));
    int h1 = FeatureHasher.bucket("never-seen", 3, 0, 1000);
    int h2 = FeatureHasher.bucket("never-seen", 3, 1, 1000);
    assertThat(h1).isNotEqualTo(h2);
    assertThat(row(b, 0)).containsExactly(Math.min(h1, h2) + ":1.0", Math.max(h1, h2) + ":1.0");
    assertThat(row(b, 1)).isEqualTo(row(b, 0));
    assertThat(row(b, 2)).isNotEqualTo(row(b, 0));
    // fixed hash: the same bucket on every JVM (pins the function)
    assertThat(FeatureHasher.hash("", 0)).isEqualTo(FeatureHasher.fmix64(0xcbf29ce484222325L ^ FeatureHasher.fmix64(0)));
  }

  @Test
  void doubleHashingCollidesLessThanOneHash() {
    // 2,000 values into 1,000 buckets: with one hash many pairs share a bucket; with two, a pair shares both
    // buckets only when both hashes collide (about 1/1000 as often).
    int n = 2000;
    int buckets = 1000;
    java.util.Set<Long> pairs = new java.util.HashSet<>();
    java.util.Set<Integer> singles = new java.util.HashSet<>();
    int singleCollisions = 0;
    int pairCollisions = 0;
    for (int i = 0; i < n; i++) {
      String v = "id" + i;
      int a = FeatureHasher.bucket(v, 0, 0, buckets);
      int b = FeatureHasher.bucket(v, 0, 1, buckets);
      singleCollisions += singles.add(a) ? 0 : 1;
      pairCollisions += pairs.add((long) Math.min(a, b) * buckets + Math.max(a, b)) ? 0 : 1;
    }
    // expected distinct buckets for 2000 balls in 1000 bins: 1000 (1 - e^-2) = 865 -> ~1135 collisions
    assertThat(singleCollisions).isBetween(1000, 1250);
    assertThat(pairCollisions).isLessThan(20);
  }

  @Test
  void sequenceSharesItsVocabularyFieldsCodesAndKeepsTheMostRecent() {
    FeatureSchema s = FeatureSchema.parse(null, "label y\nfield item categorical\nfield hist sequence vocabulary=item max_length=2\n");
    // item counts incl. sequences: m1: 1 + 1 = 2... rows: item m1 hist m2|m3|m1 (keeps m3|m1); item m2 hist m1
    SampleTable t = table(s, "y,item,hist", "1,m1,m2|m3|m1", "0,m2,m1");
    FeatureEncoder enc = FeatureEncoder.fit(t);
    // counts: m1 = 1 (item) + 1 (hist row 0, after truncation) + 1 (hist row 1) = 3; m2 = 1; m3 = 1 -> m1=1, m2=2, m3=3
    assertThat(enc.vocabulary("item")).containsExactly("m1", "m2", "m3");
    assertThat(enc.fields().toString()).isEqualTo("item:0-3,hist:4-7");
    SampleBatch b = enc.encode(t);
    assertThat(row(b, 0)).containsExactly("1:1.0", "5:1.0", "7:1.0"); // item m1; hist m1 (4+1), m3 (4+3)
    assertThat(row(b, 1)).containsExactly("2:1.0", "5:1.0");
  }

  @Test
  void savedEncoderEncodesIdentically() throws IOException {
    FeatureSchema s = FeatureSchema.parse(null, FeatureSchemaTest.TEXT);
    SampleTable t = table(s, "click,w,user,item,tags,price,age,income,hist", "1,1,u1,i1,a|b,3,17,100,u1|u2", "0,2,u1,i2,b,0,40,,u2",
        "1,0.5,u2,i3,,12,30,300,u1|u2|u1|u3", "0,1,u2,i1,c:2,,,200,");
    FeatureEncoder enc = FeatureEncoder.fit(t);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    enc.write(new DataOutputStream(bytes));
    FeatureEncoder back = FeatureEncoder.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertThat(back.fields()).isEqualTo(enc.fields());
    SampleBatch a = enc.encode(t);
    SampleBatch c = back.encode(t);
    assertThat(c.features()).isEqualTo(a.features());
    assertThat(c.values()).isEqualTo(a.values());
    assertThat(c.rowPtr()).isEqualTo(a.rowPtr());
    assertThat(c.weights()).containsExactly(1, 2, 0.5f, 1);
    assertThat(c.groups()).containsExactly(0, 0, 1, 1);
    // a newer format version is refused
    byte[] raw = bytes.toByteArray();
    raw[3] = 9;
    assertThatThrownBy(() -> FeatureEncoder.read(new DataInputStream(new ByteArrayInputStream(raw))))
        .hasMessageContaining("format version 9");
  }
}
