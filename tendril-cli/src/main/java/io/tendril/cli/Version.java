package io.tendril.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints the version of the jar and of the Java runtime, for {@code tendril --version}. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "tendril " + (v == null ? "(development build)" : v),
      "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
