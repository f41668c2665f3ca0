package dev.funnel.server;

import dev.funnel.recall.ModelRecommender;
import java.util.ArrayList;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The JSON bodies the server writes, one record per endpoint; field names are the wire names. */
public final class Responses {
  /** The {@code fallback} value when a user got popular items instead of personal ones. */
  public static final String FALLBACK_POPULARITY = "popularity";

  private Responses() {}

  static Recommend recommend(String user, String model, ModelRecommender.Result r) {
    return new Recommend(user, model, items(r), r.fallback() == ModelRecommender.Fallback.POPULARITY ? FALLBACK_POPULARITY : null);
  }

  static Similar similar(String item, String model, ModelRecommender.Result r) {
    return new Similar(item, model, items(r));
  }

  private static List<Item> items(ModelRecommender.Result r) {
    List<Item> out = new ArrayList<>(r.items().size());
    for (ModelRecommender.Scored s : r.items()) {
      out.add(new Item(s.item(), s.score()));
    }
    return out;
  }

  /** One recommended item: its external id and the model's score. */
  public record Item(String item, float score) {}

  /** {@code GET /v1/recommend}; {@code fallback} is null when the model served the user itself. */
  public record Recommend(String user, String model, List<Item> items, String fallback) {}

  /** {@code GET /v1/similar}. */
  public record Similar(String item, String model, List<Item> items) {}

  /** {@code GET /health}. */
  public record Health(String status, List<String> models) {}

  /** Every 4xx/5xx body; {@code parameter} and {@code value} appear when one parameter was at fault. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ErrorBody(String error, String parameter, String value) {}
}
