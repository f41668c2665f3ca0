package dev.funnel.pipeline.filter;

import dev.funnel.pipeline.Filter;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.store.catalog.ItemRecord;
import java.util.List;
import java.util.function.Predicate;

/**
 * A business rule over catalogue attributes ({@link RuleExpression}): keeps the items for which the
 * expression holds at the request's time. An item the catalogue does not hold keeps or fails by
 * {@code missing} ({@code reject}, the default: a rule such as {@code price < 100} cannot be shown to
 * hold for it).
 */
public final class RuleFilter implements Filter {
  private final String name;
  private final RuleExpression.Rule rule;
  private final boolean keepMissing;
  private final PipelineResources resources;

  public RuleFilter(String name, RuleExpression.Rule rule, boolean keepMissing, PipelineResources resources) {
    this.name = name;
    this.rule = rule;
    this.keepMissing = keepMissing;
    this.resources = resources;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Predicate<String> prepare(PipelineRequest request) {
    long now = request.now();
    return item -> {
      ItemRecord r = resources.item(item);
      return r == null ? keepMissing : rule.test(r, now);
    };
  }

  /** {@code type: rule}; keys {@code expression} (required), {@code missing} (reject or keep). */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "rule";
    }

    @Override
    public StageKind kind() {
      return StageKind.FILTER;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      String text = config.requiredString("expression");
      RuleExpression.Rule rule;
      try {
        rule = RuleExpression.parse(text);
      } catch (IllegalArgumentException e) {
        throw config.error("expression", text, e.getMessage());
      }
      boolean keep = config.choice("missing", "reject", List.of("reject", "keep")).equals("keep");
      return new RuleFilter(config.name(), rule, keep, resources);
    }
  }
}
