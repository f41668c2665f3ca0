# Sourced by bin/funnel, bench/run and .ci/run: picks the JDK to run on and prints which, and holds the
# server's G1 settings (one place for `funnel serve` and the bench presets that measure a server).
# The server's G1 settings (measured in docs/benchmarks.md, "The light scene's tail"): a 10 ms pause
# goal, and promotion after one young collection: what outlives one request (the attribution memory of
# the last 50,000 responses, online state) lives for minutes, and copying it through the survivor
# spaces at every collection was most of each pause. FUNNEL_SERVER_GC_OPTS replaces them.
funnel_server_gc_opts="${FUNNEL_SERVER_GC_OPTS--XX:MaxGCPauseMillis=10 -XX:MaxTenuringThreshold=1}"
# JAVA_HOME wins if set; otherwise the newest installed JDK >= 17 (Funnel compiles to Java 17
# bytecode but runs faster on newer JITs and Vector API implementations).
funnel_pick_jdk() {
  local best="" best_major=0 candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    best="$JAVA_HOME"
  else
    for candidate in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
      [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
      [ -L "$candidate" ] && continue
      major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = //p' | head -n 1 || true)
      major=${major#1.}
      case "$major" in ''|*[!0-9]*) continue ;; esac
      if [ "$major" -ge 17 ] && [ "$major" -gt "$best_major" ]; then
        best="$candidate"; best_major="$major"
      fi
    done
    if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
      best=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    fi
  fi
  if [ -z "$best" ]; then
    echo "funnel: no JDK >= 17 found; install one or set JAVA_HOME" >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
  echo "funnel: using JDK $("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.version = //p') at $JAVA_HOME" >&2
}
