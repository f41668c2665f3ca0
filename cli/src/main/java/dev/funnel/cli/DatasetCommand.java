package dev.funnel.cli;

import dev.funnel.data.DatasetStats;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dataset", mixinStandardHelpOptions = true, description = "Inspect datasets.",
    footer = {"", "Example:", "  funnel dataset stats --dataset lightgcn:../shared/data/gowalla"},
    subcommands = {DatasetCommand.Stats.class, SampleExport.class})
final class DatasetCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Users, items, interactions, density, popularity skew and activity percentiles.",
          "Counts every event (no split) unless --split is given."},
      footer = {"", "Examples:", "  funnel dataset stats --dataset lightgcn:../shared/data/gowalla",
          "  funnel dataset stats --dataset csv:events.csv --column user=user_id --column item=sku --json stats.json"})
  static final class Stats implements Callable<Integer> {
    @Mixin
    DatasetOptions data;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the statistics as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
      if (data.split == null) {
        data.split = "none"; // statistics of every event, not of what a split would keep
      }
      DatasetStats stats = DatasetStats.of(data.load(System.out).dataset());
      for (String[] row : stats.rows()) {
        System.out.printf("%-36s %s%n", row[0], row[1]);
      }
      if (json != null) {
        Json.write(json, stats.toMap());
        System.out.println("wrote " + json);
      }
      return 0;
    }
  }
}
