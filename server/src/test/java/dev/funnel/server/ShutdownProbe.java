package dev.funnel.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process of {@link GracefulShutdownTest}: serves the live fixture from the data directory in
 * {@code args[0]} the way {@code funnel serve --data} does (ShutdownSignal, service then server
 * registered), prints {@code port N}, and on SIGTERM drains, closes and exits 0.
 */
public final class ShutdownProbe {
  private ShutdownProbe() {}

  public static void main(String[] args) throws Exception {
    ShutdownSignal stop = ShutdownSignal.install(Duration.ofSeconds(Long.parseLong(args[1])));
    LiveService live = LiveFixture.openLive(Path.of(args[0]));
    stop.closeOnStop(live);
    FunnelServer server = LiveFixture.serve(new ServerConfig("127.0.0.1", 0, 100, null, 2), live);
    stop.closeOnStop(server);
    System.out.println("port " + server.port());
    System.out.flush();
    String signal = stop.await();
    System.out.println("stopped by SIG" + signal + " after " + live.log().lastSequence() + " events");
    System.out.flush();
    System.exit(0);
  }
}
