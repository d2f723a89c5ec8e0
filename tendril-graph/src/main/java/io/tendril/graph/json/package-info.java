/**
 * The JSON graph format: a JSON reader and writer of its own ({@link io.tendril.graph.json.Json}),
 * graph files read into task graphs ({@link io.tendril.graph.json.GraphJson}), the functions a file
 * may call ({@link io.tendril.graph.json.Builtins} and {@code Class::method} names resolved by
 * {@link io.tendril.graph.json.FunctionResolver}), and the error every malformed input is reported
 * with ({@link io.tendril.graph.json.GraphFormatException}). The format is described in
 * docs/graph-format.md.
 */
package io.tendril.graph.json;
