/**
 * Trust between a manager and its workers: the {@link io.tendril.protocol.auth.SharedSecret} both
 * sides are given (a password), the MACs of the challenge-response handshake that opens every
 * control stream, and the {@link io.tendril.protocol.auth.TransferTokens} the manager issues so
 * that a transfer server serves a file only to whom the manager sent for it. The secret itself
 * never crosses the wire. docs/security.md describes what is protected and what is not.
 */
package io.tendril.protocol.auth;
