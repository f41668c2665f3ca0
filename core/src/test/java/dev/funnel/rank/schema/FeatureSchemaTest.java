package dev.funnel.rank.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.data.DataFormatException;
import org.junit.jupiter.api.Test;

class FeatureSchemaTest {
  static final String TEXT = """
      # a schema with every kind
      label click
      weight w
      group user
      field user categorical min_count=2
      field item categorical buckets=64 hashes=2 seed=7
      field tags multi pooling=mean
      field price numeric log=true transform=standardize
      field age numeric transform=bucketize boundaries=18,30
      field income numeric transform=bucketize quantiles=4
      field history sequence vocabulary=user max_length=3 column=hist
      """;

  @Test
  void parsesEveryDirectiveAndReadsItsOwnText() {
    FeatureSchema s = FeatureSchema.parse("s.schema", TEXT);
    assertThat(s.label()).isEqualTo("click");
    assertThat(s.weight()).isEqualTo("w");
    assertThat(s.group()).isEqualTo("user");
    assertThat(s.delimiter()).isEqualTo(',');
    assertThat(s.fields()).hasSize(7);
    assertThat(s.field("user").minCount()).isEqualTo(2);
    assertThat(s.field("item").buckets()).isEqualTo(64);
    assertThat(s.field("item").hashes()).isEqualTo(2);
    assertThat(s.field("tags").pooling()).isEqualTo("mean");
    assertThat(s.field("price").log()).isTrue();
    assertThat(s.field("age").boundaries()).containsExactly(18, 30);
    assertThat(s.field("history").column()).isEqualTo("hist");
    assertThat(s.field("history").maxLength()).isEqualTo(3);
    assertThat(FeatureSchema.parse(null, s.toText())).isEqualTo(s);
  }

  @Test
  void errorsNameTheFileLineFieldAndWord() {
    assertThatThrownBy(() -> FeatureSchema.parse("s.schema", "label y\nfield a categorical\nfield b numbr\n"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("s.schema:3").hasMessageContaining("field 'b'")
        .hasMessageContaining("'numbr'");
    assertThatThrownBy(() -> FeatureSchema.parse("s.schema", "label y\nfield a categorical min_count=x\n"))
        .hasMessageContaining("s.schema:2").hasMessageContaining("not a number").hasMessageContaining("'min_count=x'");
    assertThatThrownBy(() -> FeatureSchema.parse("s.schema", "label y\nfield a categorical min_count=0\n"))
        .hasMessageContaining("s.schema:2").hasMessageContaining("min_count must be >= 1; field a min_count=0");
    assertThatThrownBy(() -> FeatureSchema.parse("s.schema", "label y\nfield a numeric transform=bucketize boundaries=3,1\n"))
        .hasMessageContaining("strictly increasing");
    assertThatThrownBy(() -> FeatureSchema.parse("s.schema", "label y\nfield a numeric\nfield h sequence vocabulary=a\n"))
        .hasMessageContaining("vocabulary=a must name a categorical field");
    assertThatThrownBy(() -> FeatureSchema.parse("s.schema", "field a numeric\n")).hasMessageContaining("needs a label column");
    assertThatThrownBy(() -> FeatureSchema.parse("s.schema", "label y\nfield a categorical colour=red\n"))
        .hasMessageContaining("unknown option").hasMessageContaining("'colour=red'");
  }
}
