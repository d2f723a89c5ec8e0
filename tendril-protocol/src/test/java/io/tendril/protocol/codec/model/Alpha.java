package io.tendril.protocol.codec.model;

/** A record of the test model package, allowed by package in codec tests. */
public record Alpha(int n) {}
