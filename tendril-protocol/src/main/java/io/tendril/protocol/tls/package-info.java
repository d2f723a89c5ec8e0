/**
 * TLS between a manager and its workers, and between workers: the {@link
 * io.tendril.protocol.tls.TlsIdentity} a server shows (a key and certificate loaded from PEM
 * files, or a self-signed pair made with the JDK alone), the {@link
 * io.tendril.protocol.tls.ServerTrust} a client checks it with (a pinned SHA-256 fingerprint, or CA
 * certificates), and the {@link io.tendril.protocol.tls.TlsProbe} that tells a plaintext endpoint
 * from a TLS one when a connection fails. docs/security.md describes how they are used.
 */
package io.tendril.protocol.tls;
