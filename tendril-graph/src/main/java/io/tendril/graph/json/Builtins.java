package io.tendril.graph.json;

import io.tendril.graph.FnN;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in functions a graph file may name in {@code "call"}, each an {@link FnN} whose {@link
 * FnN#functionName()} is its bare name ({@code "inc"}). Owns the registry of names; {@link
 * FunctionResolver} looks names up here first. docs/graph-format.md lists each with its arguments
 * and Python meaning.
 *
 * <p>The built-ins work on JSON values with Python's meaning: {@code inc}, {@code dec}, {@code
 * add}, {@code sub}, {@code mul}, {@code neg}, {@code abs}, {@code truediv} (also {@code div}),
 * {@code floordiv}, {@code mod}, {@code pow}, {@code sum}, {@code max}, {@code min}, {@code len},
 * {@code identity}, {@code list}, {@code concat}, {@code range}, {@code getitem}. Integers are
 * 64-bit: a result that does not fit is an {@link ArithmeticException}, never a wrong number.
 * Wrong argument types or counts are an {@link IllegalArgumentException} whose message names the
 * function and what it got, e.g. {@code inc expects a number, got String "a"}.
 */
public final class Builtins {
  private static final Map<String, Builtin> ALL = new LinkedHashMap<>();

  static {
    register("inc", Arith::inc);
    register("dec", Arith::dec);
    register("add", Arith::add);
    register("sub", Arith::sub);
    register("mul", Arith::mul);
    register("neg", Arith::neg);
    register("abs", Arith::abs);
    register("truediv", Arith::truediv);
    register("div", Arith::truediv);
    register("floordiv", Arith::floordiv);
    register("mod", Arith::mod);
    register("pow", Arith::pow);
    register("sum", SeqOps::sum);
    register("max", SeqOps::max);
    register("min", SeqOps::min);
    register("len", SeqOps::len);
    register("identity", SeqOps::identity);
    register("list", SeqOps::list);
    register("concat", SeqOps::concat);
    register("range", SeqOps::range);
    register("getitem", SeqOps::getitem);
  }

  private Builtins() {}

  private static void register(String name, Builtin.Body body) {
    ALL.put(name, new Builtin(name, body));
  }

  /**
   * The built-in of a name.
   *
   * @param name a bare name such as {@code "inc"}
   * @return the shared function object, or empty if no built-in has that name
   */
  public static Optional<FnN<Object>> find(String name) {
    return Optional.ofNullable(ALL.get(name));
  }

  /**
   * The names of all built-ins, in the order of the documentation.
   *
   * @return an unmodifiable list of names
   */
  public static List<String> names() {
    return List.copyOf(ALL.keySet());
  }
}
