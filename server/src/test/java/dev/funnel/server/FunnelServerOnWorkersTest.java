package dev.funnel.server;

class FunnelServerOnWorkersTest extends FunnelServerContract {
  @Override
  FunnelServer.Scoring scoring() {
    return FunnelServer.Scoring.WORKERS;
  }
}
