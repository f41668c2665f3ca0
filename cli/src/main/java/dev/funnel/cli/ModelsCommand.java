package dev.funnel.cli;

import dev.funnel.config.Params;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.registry.Registry;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "models", mixinStandardHelpOptions = true,
    description = "List the registered models with their default parameters.",
    footer = {"", "Example:", "  funnel models"})
final class ModelsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    for (Map.Entry<String, RecallAlgorithm<?>> e : Registry.recallAlgorithms().entrySet()) {
      System.out.printf("%-10s %s%n", e.getKey(), e.getValue().summary());
      Params.describe(e.getValue().defaultConfig()).forEach((k, v) -> System.out.printf("%10s   %s.%s=%s%n", "", e.getKey(), k, v));
    }
    System.out.println();
    System.out.println("Rankers ('funnel train --samples', 'funnel eval --rank-model'):");
    for (Map.Entry<String, dev.funnel.rank.RankAlgorithm<?>> e : Registry.rankAlgorithms().entrySet()) {
      System.out.printf("%-10s %s%n", e.getKey(), e.getValue().summary());
      // toStrings: nested settings (an ensemble's MEMBER.KEY) as the dotted keys --set takes
      Params.toStrings(e.getValue().defaultConfig()).forEach((k, v) -> System.out.printf("%10s   %s.%s=%s%n", "", e.getKey(), k, v));
    }
    return 0;
  }
}
