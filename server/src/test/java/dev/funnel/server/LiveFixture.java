package dev.funnel.server;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.experiment.Experiment;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.store.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A data directory with one tiny ItemCF model (items a0, a1, b0 clicked by users u0..u3). */
final class LiveFixture {
  private LiveFixture() {}

  static void writeModel(Path data) throws IOException {
    IdMap users = new IdMap();
    IdMap items = new IdMap();
    for (String i : new String[] {"a0", "a1", "b0"}) {
      items.getOrAdd(i);
    }
    for (int u = 0; u < 4; u++) {
      users.getOrAdd("u" + u);
    }
    int[] ptr = {0, 2, 4, 5, 6};
    int[] cols = {0, 1, 0, 1, 2, 2};
    Interactions train = new Interactions(4, 3, ptr, cols, new float[cols.length], new long[cols.length]);
    SavedModel saved = SavedModel.of(Experiment.fit("itemcf", Map.of(), train, TrainContext.defaults()).model(), users, items, train);
    Path models = data.resolve(DataDirectory.MODELS_DIR);
    Files.createDirectories(models);
    ModelFile.write(models.resolve("itemcf" + ModelFile.SUFFIX), saved);
  }

  /** Writes the model into {@code data} and opens the live service on it (small idempotency window). */
  static LiveService openLive(Path data) throws IOException {
    writeModel(data);
    return LiveService.open(data, null, LiveService.Config.defaults().withIdempotencyWindow(100));
  }

  /** The real server on {@code live}, scoring on workers, with the default body limit. */
  static FunnelServer serve(ServerConfig config, LiveService live) {
    return FunnelServer.start(config, live, FunnelServer.Scoring.WORKERS, FunnelServer.DEFAULT_MAX_BODY_BYTES);
  }

  /** Closes in the order production does: the server first, then the service (final fsync). */
  static void close(FunnelServer server, LiveService live) {
    if (server != null) {
      server.close();
    }
    if (live != null) {
      live.close();
    }
  }
}
