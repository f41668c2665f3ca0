package dev.funnel;

/** The engine version written into every file Funnel saves. */
public final class Version {
  public static final String ENGINE = "0.1.0";

  private Version() {}
}
