package dev.funnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerConfigTest {
  @Test
  void defaults() {
    ServerConfig c = ServerConfig.defaults();
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.maxK()).isEqualTo(1000);
    assertThat(c.defaultModel()).isNull();
    assertThat(c.eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void validationNamesTheFieldAndValue() {
    assertThatThrownBy(() -> new ServerConfig(" ", 1, 1, null, 1)).hasMessageContaining("host");
    assertThatThrownBy(() -> new ServerConfig("h", -1, 1, null, 1)).hasMessageContaining("port=-1");
    assertThatThrownBy(() -> new ServerConfig("h", 65536, 1, null, 1)).hasMessageContaining("port=65536");
    assertThatThrownBy(() -> new ServerConfig("h", 1, 0, null, 1)).hasMessageContaining("maxK=0");
    assertThatThrownBy(() -> new ServerConfig("h", 1, 1, "", 1)).hasMessageContaining("defaultModel");
    assertThatThrownBy(() -> new ServerConfig("h", 1, 1, null, 0)).hasMessageContaining("eventLoops=0");
  }
}
