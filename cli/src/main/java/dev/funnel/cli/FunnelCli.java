package dev.funnel.cli;

import dev.funnel.data.DataFormatException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code funnel} command: a thin layer that parses flags and calls core and server. */
@Command(name = "funnel", mixinStandardHelpOptions = true, versionProvider = FunnelCli.VersionProvider.class,
    description = "Funnel: a multi-stage recommender engine for the JVM.",
    subcommands = {QuickstartCommand.class, EvalCommand.class, TrainCommand.class, RecommendCommand.class,
        SimilarCommand.class, ServeCommand.class, IndexCommand.class, DatasetCommand.class, ModelsCommand.class, ImportCommand.class,
        ExportCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Examples:", "  funnel quickstart", "  funnel eval --dataset lightgcn:../shared/data/gowalla --model itemcf --k 20,50",
        "  funnel train --dataset movielens:ml-100k/u.data --model itemcf --out models/itemcf.fnl",
        "  funnel serve --models models --port 8080"})
public final class FunnelCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code: 0 ok, 1 failure, 2 usage error. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new FunnelCli());
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException
          || ex instanceof java.io.IOException || ex instanceof IllegalStateException
          || ex instanceof DataFormatException) {
        // Expected failures (bad input, bad config): the message names what is wrong; no stack trace.
        err.println("funnel " + commandLine.getCommandName() + ": error: " + ex.getMessage());
        if (ex instanceof IllegalArgumentException) {
          return 2;
        }
        return 1;
      }
      err.println("funnel " + commandLine.getCommandName() + ": unexpected failure:");
      ex.printStackTrace(err);
      return 1;
    });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"funnel " + dev.funnel.Version.ENGINE + " (Java " + Runtime.version() + ")"};
    }
  }
}
