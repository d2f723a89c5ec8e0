package io.tendril.manager.makeflow;

import java.util.Map;

/** Small helpers the Makeflow tests share: parse a text with a fixed environment. */
final class MakeflowTesting {
  /** The environment every test parses with, unless it gives its own. */
  static final Map<String, String> ENV = Map.of("HOME", "/root", "FROMENV", "fe");

  private MakeflowTesting() {}

  static Workflow parse(String text) throws MakeflowException {
    return Makeflow.parse(text, "w.mf", ENV);
  }

  static Workflow parse(String text, Map<String, String> env) throws MakeflowException {
    return Makeflow.parse(text, "w.mf", env);
  }

  /** The command of the only (or first) rule. */
  static String command(String text) throws MakeflowException {
    return parse(text).rules().get(0).command();
  }
}
