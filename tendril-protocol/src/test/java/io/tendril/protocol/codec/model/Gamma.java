package io.tendril.protocol.codec.model;

/** An enum of the test model package. */
public enum Gamma {
  LOW,
  HIGH
}
