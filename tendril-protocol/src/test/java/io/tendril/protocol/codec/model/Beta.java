package io.tendril.protocol.codec.model;

import java.util.List;

/** A record of the test model package holding other records of it. */
public record Beta(String name, List<Alpha> alphas) {}
