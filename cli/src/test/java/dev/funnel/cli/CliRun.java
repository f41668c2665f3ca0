package dev.funnel.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** One CLI invocation as automation sees it: the exit code, stdout and stderr. */
record CliRun(int code, String out, String err) {
  /** Runs {@code funnel args...} in-process, capturing stdout (System.out and picocli's out) and stderr. */
  static CliRun run(String... args) {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      CommandLine cl = FunnelCli.commandLine();
      cl.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute(args);
      return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(oldOut);
    }
  }
}
