package dev.funnel.experiment;

import dev.funnel.recall.RecallModel;
import java.util.Map;

/** A model just trained, its resolved parameters and how long training took. */
public record FittedModel(RecallModel model, Map<String, Object> params, double fitSeconds) {}
