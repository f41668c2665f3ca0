package dev.funnel.bench.lifecycle;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hot-swap bench's admin calls (rollbacks, {@code /metrics}) from a separate, long-lived process, as an operator's
 * tool on another host would make them: started once, so no process start lands in a measured swap window (a
 * {@code curl} per swap did: its start-up CPU on the shared 2 cores delayed the requests of the first milliseconds),
 * and its HTTP client shares no JIT-compiled code with the load generator in the bench JVM (an in-JVM client's first
 * POSTs deoptimised the generator's shared I/O path). It runs at nice 19 (see {@link Process#Process()}).
 *
 * <p>Protocol on stdin/stdout, one line each: {@code METHOD URL} in, {@code STATUS BODY} out (the body's newlines sent as
 * U+001E, the record separator, and turned back by {@link Process#call}).
 */
public final class AdminClient {
  private static final char RECORD_SEPARATOR = '\u001e';

  private AdminClient() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      int space = line.indexOf(' ');
      String answer;
      try {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(line.substring(space + 1))).timeout(Duration.ofMinutes(5));
        req = line.substring(0, space).equals("POST") ? req.POST(HttpRequest.BodyPublishers.noBody()) : req.GET();
        HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        answer = r.statusCode() + " " + r.body().replace('\n', RECORD_SEPARATOR);
      } catch (IOException | RuntimeException e) {
        answer = "0 " + e;
      }
      out.write(answer);
      out.newLine();
      out.flush();
    }
  }

  /** The client process, started from this JVM's java and class path. */
  static final class Process implements AutoCloseable {
    private final java.lang.Process process;
    private final BufferedWriter requests;
    private final BufferedReader answers;

    Process() throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      // At nice 19: it stands for a client on another host, so its CPU (the JDK HTTP client, mostly interpreted for the
      // few calls it makes) must not take the shared cores from the server and the load generator being measured.
      // One connection for the whole run: the JDK client closes a connection idle for 30 s (its default keep-alive), and the
      // bench's steady phase is 30 s, so every run's first measured swap opened a new connection: 13-18 ms client side
      // against 5-8 ms for the others, while the server spent 0.6-1.8 ms on each rollback (its log), and the event loop
      // that accepted the connection ran its cold accept path among the requests it serves. A connection's cost is not a
      // swap's.
      List<String> cmd = new ArrayList<>(List.of("nice", "-n", "19", java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Djdk.httpclient.keepalive.timeout=3600", "-cp", System.getProperty("java.class.path"), AdminClient.class.getName()));
      process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
      answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Sends one call and waits for its answer: the status and the body. */
    synchronized Map.Entry<Integer, String> call(String method, URI uri) throws IOException {
      requests.write(method + " " + uri);
      requests.newLine();
      requests.flush();
      String line = answers.readLine();
      if (line == null) {
        throw new IllegalStateException("the admin client process exited (" + method + " " + uri + ")");
      }
      int space = line.indexOf(' ');
      int status = Integer.parseInt(line.substring(0, space));
      if (status == 0) {
        throw new IllegalStateException(method + " " + uri + " failed: " + line.substring(space + 1));
      }
      return Map.entry(status, line.substring(space + 1).replace(RECORD_SEPARATOR, '\n'));
    }

    @Override
    public void close() throws InterruptedException, IOException {
      requests.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
