package dev.funnel.server;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.store.catalog.ItemRecord;
import java.util.Collection;

/** What scenes reach in live mode: the service's recommenders (models and online state) and its catalog. */
final class LiveResources implements PipelineResources {
  private final LiveService live;

  LiveResources(LiveService live) {
    this.live = live;
  }

  @Override
  public Collection<String> models() {
    return live.recommenders().keySet();
  }

  @Override
  public OnlineRecommender model(String name) {
    return live.recommenders().get(name);
  }

  @Override
  public ItemRecord item(String id) {
    return live.itemRecord(id);
  }

  @Override
  public void forEachItem(java.util.function.Consumer<? super ItemRecord> sink) {
    live.catalog().forEachItem(sink);
  }

  @Override
  public dev.funnel.store.catalog.UserRecord user(String id) {
    return live.catalog().getUser(id).orElse(null);
  }

  @Override
  public boolean recommendable(String item) {
    return live.recommendable(item);
  }
}
