package dev.funnel.server;

class FunnelServerOnEventLoopTest extends FunnelServerContract {
  @Override
  FunnelServer.Scoring scoring() {
    return FunnelServer.Scoring.EVENT_LOOP;
  }
}
