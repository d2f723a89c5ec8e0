/**
 * How values and functions cross process boundaries: {@link io.tendril.protocol.codec.ValueCodec},
 * the allow-listed binary codec of task arguments and results; {@link
 * io.tendril.protocol.codec.FunctionDescriptors}, which names task functions on the submitting side
 * and resolves them on the executing side; and {@link io.tendril.protocol.codec.RemoteFailure}, a
 * task's exception as data. Functions travel by name, values travel as data, and nothing received
 * is ever read with Java object serialization. Every decoder returns a value or throws {@link
 * io.tendril.protocol.codec.CodecException}, whatever the bytes. docs/codec.md describes the
 * formats and what can be named.
 */
package io.tendril.protocol.codec;
