package dev.funnel.pipeline.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.store.catalog.ItemRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleExpressionTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final long DAY = 86_400_000L;

  private static ItemRecord item(List<String> cats, Map<String, Object> attrs, Long published) {
    return new ItemRecord("x", cats, List.of("new"), attrs, true, published, null);
  }

  private static boolean eval(String rule, ItemRecord r) {
    return RuleExpression.parse(rule).test(r, NOW);
  }

  @Test
  void theIssueExamples() {
    ItemRecord cheapBook = item(List.of("books", "sale"), Map.of("price", 40L), NOW - 2 * DAY);
    ItemRecord oldFilm = item(List.of("film"), Map.of("price", 150.5), NOW - 10 * DAY);
    assertThat(eval("category in [books, music]", cheapBook)).isTrue();
    assertThat(eval("category in [books, music]", oldFilm)).isFalse();
    assertThat(eval("price < 100", cheapBook)).isTrue();
    assertThat(eval("price < 100", oldFilm)).isFalse();
    assertThat(eval("published_at > now - 7d", cheapBook)).isTrue();
    assertThat(eval("published_at > now - 7d", oldFilm)).isFalse();
  }

  @Test
  void booleanOperatorsListsAndMissingValues() {
    ItemRecord r = item(List.of("books"), Map.of("price", 40L, "brand", "acme"), null);
    assertThat(eval("price >= 40 and (brand == 'acme' or category == music)", r)).isTrue();
    assertThat(eval("not category in [music]", r)).isTrue();
    assertThat(eval("category not in [books]", r)).isFalse();
    assertThat(eval("tags == new and price != 41", r)).isTrue();
    assertThat(eval("price in [40, 50]", r)).isTrue();
    // published_at is absent: every comparison on it is false, 'not' makes it true.
    assertThat(eval("published_at > now - 7d", r)).isFalse();
    assertThat(eval("not published_at > now - 7d", r)).isTrue();
    // a number compared with text is false
    assertThat(eval("price == 'cheap'", r)).isFalse();
    assertThat(eval("attributes.brand = acme", r)).isTrue();
    assertThat(eval("price <= -1 or price > 39.5", r)).isTrue();
  }

  @Test
  void errorsNameTheRuleAndPosition() {
    assertThatThrownBy(() -> RuleExpression.parse("price <")).hasMessage("rule 'price <' at position 7: expected a value (number, 'text', word or now), found 'end of rule'");
    assertThatThrownBy(() -> RuleExpression.parse("category in [a, b")).hasMessage("rule 'category in [a, b' at position 17: expected ',' or ']', found 'end of rule'");
    assertThatThrownBy(() -> RuleExpression.parse("price < 100 and")).hasMessage("rule 'price < 100 and' at position 15: expected a field name, found 'end of rule'");
    assertThatThrownBy(() -> RuleExpression.parse("category < 3")).hasMessageContaining("at position 9: 'category' is a list");
    assertThatThrownBy(() -> RuleExpression.parse("published_at > now - 7x")).hasMessageContaining("at position 21: bad duration '7x'");
    assertThatThrownBy(() -> RuleExpression.parse("price ~ 3")).hasMessageContaining("at position 6: unexpected character '~'");
    assertThatThrownBy(() -> RuleExpression.parse("price < 3 )")).hasMessageContaining("at position 10: unexpected ')'");
    assertThatThrownBy(() -> RuleExpression.parse("name == 'x")).hasMessageContaining("at position 8: unterminated string");
  }
}
