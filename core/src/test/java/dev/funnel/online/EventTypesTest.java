package dev.funnel.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.funnel.store.Event;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTypesTest {
  private static Event event(String type, float value) {
    return new Event(null, "u", "i", type, 0L, value, null, Map.of());
  }

  @Test
  void defaultsWeighAndFlagNegatives() {
    EventTypes t = EventTypes.defaults();
    assertThat(t.weight(Event.of("u", "i", "impression", 0L))).isEqualTo(0f);
    assertThat(t.weight(Event.of("u", "i", "click", 0L))).isEqualTo(1f);
    assertThat(t.weight(Event.of("u", "i", "cart", 0L))).isEqualTo(2f);
    assertThat(t.weight(Event.of("u", "i", "purchase", 0L))).isEqualTo(4f);
    assertThat(t.weight(event("rating", 3.5f))).isEqualTo(3.5f);
    for (String neg : List.of("dislike", "hide", "skip")) {
      assertThat(t.get(neg).negative()).as(neg).isTrue();
      assertThat(t.weight(Event.of("u", "i", neg, 0L))).isEqualTo(0f);
    }
    assertThat(t.get("click").negative()).isFalse();
  }

  @Test
  void unknownTypeNamesItAndListsTheValidOnes() {
    EventTypes t = EventTypes.parse("click=1,purchase=4,dislike=negative");
    assertThatThrownBy(() -> t.weight(Event.of("u", "i", "clik", 0L))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown event type 'clik'; valid types: click, purchase, dislike");
  }

  @Test
  void parseAndValidation() {
    EventTypes t = EventTypes.parse(" click = 1 , rating=value, hide=negative ");
    assertThat(t.names()).containsExactly("click", "rating", "hide");
    assertThat(t.toString()).isEqualTo("click=1.0,rating=value,hide=negative");
    assertThat(EventTypes.parse(t.toString()).names()).isEqualTo(t.names());
    assertThatThrownBy(() -> t.validate(Event.of("u", "i", "rating", 0L))).hasMessageContaining("rating").hasMessageContaining("value=absent");
    assertThatThrownBy(() -> t.validate(event("rating", -1f))).hasMessageContaining("value=-1.0");
    assertThatThrownBy(() -> EventTypes.parse("click=fast")).hasMessage(
        "event type weight must be a number, 'value' or 'negative'; type=click weight=fast");
    assertThatThrownBy(() -> EventTypes.parse("click")).hasMessageContaining("'click'");
    assertThatThrownBy(() -> EventTypes.parse("click=1,click=2")).hasMessage("event type defined twice; type=click");
    assertThatThrownBy(() -> EventType.weighted("click", -1f)).hasMessage("weight must be finite and >= 0; type=click weight=-1.0");
    assertThatThrownBy(() -> EventType.weighted("click", Float.NaN)).hasMessageContaining("weight=NaN");
    assertThatThrownBy(() -> EventTypes.parse("")).hasMessage("at least one event type is needed");
  }
}
