package dev.funnel.pipeline;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.store.catalog.ItemRecord;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Pipeline resources over plain maps: models by name, catalogue records, hidden items. */
public final class MapResources implements PipelineResources {
  public final Map<String, OnlineRecommender> models = new LinkedHashMap<>();
  public final Map<String, ItemRecord> catalog = new HashMap<>();
  public final Set<String> hidden = new HashSet<>();

  @Override
  public Collection<String> models() {
    return models.keySet();
  }

  @Override
  public OnlineRecommender model(String name) {
    return models.get(name);
  }

  @Override
  public ItemRecord item(String id) {
    return catalog.get(id);
  }

  @Override
  public void forEachItem(java.util.function.Consumer<? super ItemRecord> sink) {
    new java.util.TreeMap<>(catalog).values().forEach(sink);
  }

  @Override
  public boolean recommendable(String item) {
    return !hidden.contains(item);
  }
}
